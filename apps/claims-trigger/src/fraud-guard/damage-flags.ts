import type Redis from 'ioredis';

/**
 * `vehicle-damage:{vehicleId}` is set while the vehicle has an open damage claim; pricing reads it
 * and declines new bookings with `vehicle-damage-unresolved`. Redis keeps nothing on disk, so the
 * flags are rebuilt from the database at start-up.
 */
export class DamageFlags {
  constructor(private readonly redis: Redis) {}

  async set(vehicleId: string, open: boolean): Promise<void> {
    if (open) await this.redis.set(`vehicle-damage:${vehicleId}`, new Date().toISOString());
    else await this.redis.del(`vehicle-damage:${vehicleId}`);
  }

  async rebuild(vehicleIds: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const id of vehicleIds) pipeline.set(`vehicle-damage:${id}`, 'rebuilt');
    await pipeline.exec();
  }
}
