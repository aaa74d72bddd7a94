import { createHash } from 'node:crypto';
import type { PartnerRecord, PartnerRepository } from '@kuruma/data-access-db';
import { ProblemException } from '../http/problem.exception';
import { headerOf, type HttpRequest } from '../http/http-request';

export const PARTNER_API_KEY_HEADER = 'x-api-key';

/**
 * Partner identity from the API key (never from the body). Keys are looked up by their sha256
 * and cached briefly, so the hot path costs no query per request.
 */
export class PartnerAuthenticator {
  private readonly cache = new Map<string, { partner: PartnerRecord | null; at: number }>();

  constructor(
    private readonly partners: PartnerRepository,
    private readonly ttlMs = 30_000,
  ) {}

  async fromRequest(req: HttpRequest): Promise<PartnerRecord> {
    const key = headerOf(req, PARTNER_API_KEY_HEADER);
    if (!key) throw ProblemException.unauthorized(`missing ${PARTNER_API_KEY_HEADER} header`);
    const partner = await this.byKey(key);
    if (!partner) throw ProblemException.unauthorized('unknown API key');
    return partner;
  }

  private async byKey(key: string): Promise<PartnerRecord | null> {
    const cacheKey = createHash('sha256').update(key).digest('hex');
    const hit = this.cache.get(cacheKey);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.partner;
    const partner = await this.partners.findByApiKey(key);
    this.cache.set(cacheKey, { partner, at: Date.now() });
    return partner;
  }
}
