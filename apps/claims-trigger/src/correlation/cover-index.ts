import type Redis from 'ioredis';
import { partnerVehicleKey, type PolicyEventDataV1 } from '@kuruma/contracts';
import type { PartnerVehicle } from '@kuruma/data-access-db';

interface IndexedCover {
  policyId: string;
  start: number;
  end: number;
  status: string;
}

/** One hash per partner vehicle: another partner's policy on the same vehicle id is not this car's cover. */
const coverKey = (v: PartnerVehicle): string => `cover:${partnerVehicleKey(v.partnerId, v.vehicleId)}`;

/**
 * Fast path for "which policy covered this vehicle at that instant": a Redis hash per partner
 * vehicle of cover windows, kept current from policy events. Only a hint: the database confirms
 * every hit, and a miss or a Redis error falls back to the database, which is the truth.
 */
export class CoverIndex {
  constructor(private readonly redis: Redis) {}

  async apply(events: PolicyEventDataV1[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const e of events) {
      if (!e.policyId || !e.coverStart || !e.coverEnd) continue;
      const key = coverKey(e);
      if (e.status === 'cancelled' || e.status === 'declined') pipeline.hdel(key, e.policyId);
      else pipeline.hset(key, e.policyId, JSON.stringify({ policyId: e.policyId, start: Date.parse(e.coverStart), end: Date.parse(e.coverEnd), status: e.status }));
      // Cover older than 30 days cannot receive a plausible signal any more.
      pipeline.expire(key, 30 * 24 * 3600);
    }
    await pipeline.exec();
  }

  /** The id of the partner's policy whose window contains `at`, or null when the index has none. */
  async policyAt(vehicle: PartnerVehicle, at: Date): Promise<string | null> {
    const all = await this.redis.hvals(coverKey(vehicle));
    const t = at.getTime();
    const hit = all.map((v) => JSON.parse(v) as IndexedCover).find((c) => c.start <= t && c.end >= t);
    return hit?.policyId ?? null;
  }
}
