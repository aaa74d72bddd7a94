import type Redis from 'ioredis';
import { vehicleDamageFlagKey } from '@kuruma/contracts';
import type { PartnerVehicle } from '@kuruma/data-access-db';

/**
 * `vehicle-damage:{partnerId}/{vehicleId}` is set while the partner's vehicle has an open damage
 * claim; pricing reads it and declines that partner's new bookings with `vehicle-damage-unresolved`.
 * Keyed by the pair: vehicle ids are per partner, so one partner's claim must never decline
 * another's bookings. Redis keeps nothing on disk, so the flags are rebuilt from the database at
 * start-up.
 */
export class DamageFlags {
  constructor(private readonly redis: Redis) {}

  async set(vehicle: PartnerVehicle, open: boolean): Promise<void> {
    await this.setAll([{ vehicle, open }]);
  }

  /** Several vehicles' flags in one round trip. */
  async setAll(flags: { vehicle: PartnerVehicle; open: boolean }[]): Promise<void> {
    if (flags.length === 0) return;
    const at = new Date().toISOString();
    const pipeline = this.redis.pipeline();
    for (const { vehicle, open } of flags) {
      const key = vehicleDamageFlagKey(vehicle.partnerId, vehicle.vehicleId);
      if (open) pipeline.set(key, at);
      else pipeline.del(key);
    }
    const failed = (await pipeline.exec())?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async rebuild(vehicles: PartnerVehicle[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const v of vehicles) pipeline.set(vehicleDamageFlagKey(v.partnerId, v.vehicleId), 'rebuilt');
    await pipeline.exec();
    await this.dropUnscopedFlags();
  }

  /**
   * Flags of the former `vehicle-damage:{vehicleId}` form (no partner, so no `/`) are read by no
   * one any more; they go, so no flag in Redis names a vehicle without its partner.
   */
  private async dropUnscopedFlags(): Promise<void> {
    for await (const keys of this.redis.scanStream({ match: 'vehicle-damage:*', count: 1000 }) as AsyncIterable<string[]>) {
      const unscoped = keys.filter((k) => !k.includes('/'));
      if (unscoped.length > 0) await this.redis.del(...unscoped);
    }
  }
}
