import type { SqlDatabase } from '@kuruma/data-access-db';

/** Runs `work` while no other registration, rotation or deletion of the same device runs, on any instance. */
export type DeviceChangeLock = <T>(deviceId: string, work: () => Promise<T>) => Promise<T>;

/**
 * A Postgres advisory lock per device id, held by a transaction for as long as the change takes
 * (the broker's administration included, bounded by its 5 s answer timeout). Without it a DELETE
 * racing a rotation of the same device could leave a revoked device with a live broker account,
 * or a rotation could bring a just-deleted device back.
 */
export function deviceChangeLock(db: Pick<SqlDatabase, '$transaction'>): DeviceChangeLock {
  return (deviceId, work) =>
    db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`kuruma-device:${deviceId}`}))`;
      return work();
    });
}
