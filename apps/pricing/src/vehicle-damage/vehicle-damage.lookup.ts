import type Redis from 'ioredis';
import { vehicleDamageFlagKey } from '@kuruma/contracts';

/**
 * Fraud guard read side of the declared contract VEHICLE_DAMAGE_FLAG (libs/contracts, and
 * docs/asyncapi.yaml): claims-trigger keeps `vehicle-damage:{partnerId}/{vehicleId}` set while
 * a partner's vehicle has an open damage claim. Vehicle ids are per partner, so only the booking's
 * own partner's claims decline it. A Redis error propagates: cover must never be bound unchecked,
 * so the chunk is retried rather than priced blind.
 */
export class VehicleDamageLookup {
  constructor(private readonly redis: Redis) {}

  /** The flag keys (see `vehicleDamageFlagKey`) of the given partner vehicles that have open damage. */
  async withOpenDamage(vehicles: { partnerId: string; vehicleId: string }[]): Promise<Set<string>> {
    const keys = [...new Set(vehicles.map((v) => vehicleDamageFlagKey(v.partnerId, v.vehicleId)))];
    if (keys.length === 0) return new Set();
    const flags = await this.redis.mget(keys);
    return new Set(keys.filter((_, i) => flags[i] !== null));
  }
}
