import type Redis from 'ioredis';
import type { PolicyEventDataV1 } from '@kuruma/contracts';

interface IndexedCover {
  policyId: string;
  start: number;
  end: number;
  status: string;
}

/**
 * Fast path for "which policy covered this vehicle at that instant": a Redis hash per vehicle of
 * cover windows, kept current from policy events. Only a hint: the database confirms every hit,
 * and a miss or a Redis error falls back to the database, which is the truth.
 */
export class CoverIndex {
  constructor(private readonly redis: Redis) {}

  async apply(events: PolicyEventDataV1[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of events) {
      if (!e.policyId || !e.coverStart || !e.coverEnd) continue;
      const key = `cover:${e.vehicleId}`;
      if (e.status === 'cancelled' || e.status === 'declined') pipeline.hdel(key, e.policyId);
      else pipeline.hset(key, e.policyId, JSON.stringify({ policyId: e.policyId, start: Date.parse(e.coverStart), end: Date.parse(e.coverEnd), status: e.status }));
      // Cover older than 30 days cannot receive a plausible signal any more.
      pipeline.expire(key, 30 * 24 * 3600);
    }
    await pipeline.exec();
  }

  /** The policy id whose window contains `at`, or null when the index has none. */
  async policyAt(vehicleId: string, at: Date): Promise<string | null> {
    const all = await this.redis.hvals(`cover:${vehicleId}`);
    const t = at.getTime();
    const hit = all.map((v) => JSON.parse(v) as IndexedCover).find((c) => c.start <= t && c.end >= t);
    return hit?.policyId ?? null;
  }
}
