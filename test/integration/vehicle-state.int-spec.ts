import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaimsRepository, SqlDatabase } from '@kuruma/data-access-db';
import { foldVehicleObservations, type VehicleObservation } from '@kuruma/domain-claims';
import { TEST_ENV } from '../../tools/harness';

/**
 * Lock telemetry's one statement per batch (real Postgres): what a vehicle's row says after batches
 * that arrive in any order, for two partners whose vehicles share an id.
 */
describe('ClaimsRepository.upsertVehicleStates (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const claims = new ClaimsRepository();
  afterAll(() => db.end());

  const write = (observations: VehicleObservation[]) => claims.upsertVehicleStates(db, foldVehicleObservations(observations));
  const stateOf = async (partnerId: string, vehicleId: string) =>
    (
      await db.$queryRaw<{ lock_state: string; door_ajar: boolean; last_event_at: Date }[]>`
        SELECT lock_state, door_ajar, last_event_at FROM vehicle_state WHERE partner_id = ${partnerId} AND vehicle_id = ${vehicleId}`
    )[0];

  it('keeps the newest observation of each partner vehicle, whatever order the batches arrive in', async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const [a, b] = [`pa-${randomUUID().slice(0, 6)}`, `pb-${randomUUID().slice(0, 6)}`];
    const jst = (hhmmss: string) => new Date(`2026-12-03T${hhmmss}.250+09:00`);
    await write([
      { partnerId: a, vehicleId, lockState: 'unlocked', doorAjar: false, at: jst('10:00:00') },
      { partnerId: b, vehicleId, lockState: 'locked', doorAjar: true, at: jst('10:00:01') },
      { partnerId: a, vehicleId, lockState: 'locked', doorAjar: false, at: jst('10:00:05') },
    ]);
    expect(await stateOf(a, vehicleId)).toEqual({ lock_state: 'locked', door_ajar: false, last_event_at: jst('10:00:05') });
    expect(await stateOf(b, vehicleId)).toEqual({ lock_state: 'locked', door_ajar: true, last_event_at: jst('10:00:01') });

    // A batch that was held up: its older observation changes nothing.
    await write([{ partnerId: a, vehicleId, lockState: 'unlocked', doorAjar: true, at: jst('10:00:02') }]);
    expect(await stateOf(a, vehicleId)).toEqual({ lock_state: 'locked', door_ajar: false, last_event_at: jst('10:00:05') });

    // A door-ajar alert says nothing about the lock: the lock stays as last reported, to the millisecond.
    await write([{ partnerId: a, vehicleId, doorAjar: true, at: jst('10:00:09') }]);
    expect(await stateOf(a, vehicleId)).toEqual({ lock_state: 'locked', door_ajar: true, last_event_at: jst('10:00:09') });
  });

  it("records 'unknown' for a vehicle whose first observation has no lock state", async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    await write([{ partnerId: 'demo', vehicleId, doorAjar: true, at: new Date('2026-12-03T01:00:00Z') }]);
    expect((await stateOf('demo', vehicleId))?.lock_state).toBe('unknown');
  });
});
