import { hash } from 'node:crypto';
import type { PartnerRecord, PartnerRepository } from '@kuruma/data-access-db';
import { RateLimitedError, UnauthenticatedError } from '../errors/domain-errors';
import { headerOf, type HttpRequest } from '../http/http-request';
import { BoundedLru } from './bounded-lru';
import { type RateLimit, TokenBuckets } from './token-bucket';

export const PARTNER_API_KEY_HEADER = 'x-api-key';

export interface PartnerAuthOptions {
  /**
   * How long a key's answer (partner or unknown) is trusted before the database is asked again
   * (default 30 s): a rotated or revoked key keeps working at most this long on each instance.
   */
  ttlMs?: number;
  /** Known keys kept. */
  knownKeys?: number;
  /**
   * Unknown keys remembered: without this every request with a made-up key was a database query,
   * and with an unbounded map a flood of made-up keys grew the heap without end.
   */
  unknownKeys?: number;
  /** Per-partner request rate; absent means unlimited. */
  rateLimit?: RateLimit;
}

/**
 * Partner identity from the API key (never from the body). Keys are looked up by their sha256
 * and cached briefly, so the hot path costs no query per request; both caches are bounded LRUs.
 * Refusals are domain errors (401, 429 with Retry-After once rendered), so use cases that
 * authenticate from plain values (the webhook) can use it without seeing HTTP.
 */
export class PartnerAuthenticator {
  private readonly known: BoundedLru<string, { partner: PartnerRecord; at: number }>;
  private readonly unknown: BoundedLru<string, number>;
  private readonly ttlMs: number;
  private readonly buckets?: TokenBuckets;

  constructor(
    private readonly partners: Pick<PartnerRepository, 'findByApiKey'>,
    options: PartnerAuthOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.known = new BoundedLru(options.knownKeys ?? 1_000);
    this.unknown = new BoundedLru(options.unknownKeys ?? 10_000);
    if (options.rateLimit) this.buckets = new TokenBuckets(options.rateLimit);
  }

  /** The partner whose API key the request carries in `x-api-key` (PartnerGuard). */
  fromRequest(req: HttpRequest): Promise<PartnerRecord> {
    return this.authenticate(headerOf(req, PARTNER_API_KEY_HEADER));
  }

  /** The partner holding `apiKey`, counted against its rate; refuses a missing or unknown key. */
  async authenticate(apiKey: string | undefined): Promise<PartnerRecord> {
    if (!apiKey) throw new UnauthenticatedError(`missing ${PARTNER_API_KEY_HEADER} header`);
    const partner = await this.byKey(apiKey);
    if (!partner) throw new UnauthenticatedError('unknown API key');
    this.admit(partner);
    return partner;
  }

  /** Counts one request against the partner's rate limit: 429 with Retry-After when it is spent. */
  admit(partner: Pick<PartnerRecord, 'id'>): void {
    const taken = this.buckets?.take(partner.id);
    if (taken && !taken.ok) throw new RateLimitedError(`partner ${partner.id} is over its request rate; retry after ${taken.retryAfterS} s`, taken.retryAfterS);
  }

  /** Entries held by each cache (the unit tests prove the ceilings hold). */
  get cacheSizes(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }

  private async byKey(key: string): Promise<PartnerRecord | null> {
    // The one-shot hash: a third of createHash's cost, paid on every request (docs/benchmarks.md).
    const cacheKey = hash('sha256', key, 'hex');
    const now = Date.now();
    const hit = this.known.get(cacheKey);
    if (hit && now - hit.at < this.ttlMs) return hit.partner;
    const missAt = this.unknown.get(cacheKey);
    if (missAt !== undefined && now - missAt < this.ttlMs) return null;
    const partner = await this.partners.findByApiKey(key);
    if (partner) {
      this.known.set(cacheKey, { partner, at: now });
      this.unknown.delete(cacheKey);
    } else {
      this.unknown.set(cacheKey, now);
      this.known.delete(cacheKey);
    }
    return partner;
  }
}

/** The partner APIs' limits from a service's configuration. */
export const partnerAuthOptions = (config: { PARTNER_RATE_LIMIT_PER_S: number; PARTNER_RATE_LIMIT_BURST: number }): PartnerAuthOptions => ({
  rateLimit: { perSecond: config.PARTNER_RATE_LIMIT_PER_S, burst: config.PARTNER_RATE_LIMIT_BURST },
});
