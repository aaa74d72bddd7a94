import type Redis from 'ioredis';

/**
 * Fraud guard read side: claims-trigger keeps `vehicle-damage:{vehicleId}` set while a vehicle
 * has an open damage claim. A Redis error propagates: cover must never be bound unchecked, so
 * the chunk is retried rather than priced blind.
 */
export class VehicleDamageLookup {
  constructor(private readonly redis: Redis) {}

  async withOpenDamage(vehicleIds: string[]): Promise<Set<string>> {
    const unique = [...new Set(vehicleIds)];
    if (unique.length === 0) return new Set();
    const flags = await this.redis.mget(unique.map((id) => `vehicle-damage:${id}`));
    return new Set(unique.filter((_, i) => flags[i] !== null));
  }
}
