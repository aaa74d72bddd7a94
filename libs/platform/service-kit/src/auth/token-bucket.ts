import { BoundedLru } from './bounded-lru';

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how far above the rate a caller may burst. */
  burst: number;
}

/**
 * One token bucket per caller. A caller not seen for a while drops out of the (bounded) map and
 * comes back with a full bucket, which is what it would have refilled to anyway.
 */
export class TokenBuckets {
  private readonly buckets: BoundedLru<string, { tokens: number; at: number }>;

  constructor(
    private readonly limit: RateLimit,
    maxCallers = 10_000,
  ) {
    this.buckets = new BoundedLru(maxCallers);
  }

  /** Takes one token; when none is left, the seconds until one is (for Retry-After). */
  take(caller: string, now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const bucket = this.buckets.get(caller) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }
}
