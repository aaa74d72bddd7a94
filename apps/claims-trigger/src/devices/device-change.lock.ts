import type { SqlDatabase } from '@kuruma/data-access-db';
import { Turns } from '@kuruma/service-kit';

/** Runs `work` while no other registration, rotation or deletion of the same device runs, on any instance. */
export type DeviceChangeLock = <T>(deviceId: string, work: () => Promise<T>) => Promise<T>;

/** The one DeviceChangeLock of an instance, shared by registration, rotation and deletion. */
export const DEVICE_CHANGE_LOCK = Symbol('DeviceChangeLock');

/**
 * A Postgres advisory lock per device id, held by a transaction for as long as the change takes
 * (the broker's administration included, bounded by its 5 s answer timeout). Without it a DELETE
 * racing a rotation of the same device could leave a revoked device with a live broker account,
 * or a rotation could bring a just-deleted device back.
 *
 * A change holds two of the pool's connections at once: the lock's transaction, and one for each
 * statement of the change. So only a quarter of the pool's size may run at once, the others wait
 * their turn here. Unbounded, 20 DELETEs sent together took all 20 connections for their locks,
 * each then waited for a connection for its first read until the pool's 5 s timeout, and 68 of
 * 100 answered 500 (the bench's clean-up, 2026-12-02); the device intake's transactions starved
 * meanwhile. A partner's burst of device changes now queues and leaves the intake its connections.
 */
export function deviceChangeLock(db: Pick<SqlDatabase, '$transaction' | 'poolSize'>): DeviceChangeLock {
  const turns = new Turns(Math.max(1, Math.floor(db.poolSize / 4)));
  return (deviceId, work) =>
    turns.take(() =>
      db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`kuruma-device:${deviceId}`}))`;
        return work();
      }),
    );
}
