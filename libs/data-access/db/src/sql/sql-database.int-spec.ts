import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BookingEventRepository } from '../booking/booking-event.repository';
import { ClaimsRepository } from '../claims/claims.repository';
import { SqlDatabase, type SqlTx } from './sql-database';

/**
 * How a transaction's prepared statements are planned, against the real Postgres. Each database
 * below has one connection, so `pg_prepared_statements` (which is per connection) shows what
 * happened to the statements the transactions ran.
 */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const opened: SqlDatabase[] = [];
const oneConnection = () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 1, applicationName: 'plan-cache-test' });
  opened.push(db);
  return db;
};
afterAll(async () => Promise.all(opened.map((db) => db.end())));

const bookings = new BookingEventRepository();
const claims = new ClaimsRepository();
const RUNS = 8;

/** The chunk read of booking-ingest and the vehicle situation of claims-trigger, each for one row, as at a low rate. */
async function hotReads(tx: SqlTx): Promise<void> {
  const partnerId = 'demo';
  await bookings.storedFor(tx, [{ partnerId, eventId: randomUUID() }], [{ partnerId, bookingId: `plan-${randomUUID()}` }]);
  await claims.vehicleSituations(tx, [{ partnerId, vehicleId: `plan-${randomUUID()}`, deviceId: 'plan-device', eventId: randomUUID(), at: new Date(), policyHint: null }]);
}

async function plansOf(db: SqlDatabase, fragment: string): Promise<{ generic: number; custom: number }> {
  const rows = await db.$queryRaw<{ generic: number; custom: number }[]>`
    SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
    WHERE statement LIKE ${`%${fragment}%`} AND statement NOT LIKE '%pg_prepared_statements%'`;
  expect(rows).toHaveLength(1);
  return rows[0] as { generic: number; custom: number };
}

describe('SqlDatabase transactions with genericPlans', () => {
  it('plan the booking read and the vehicle situation once per connection, however short their arrays', async () => {
    const db = oneConnection();
    for (let i = 0; i < RUNS; i++) await db.$transaction(hotReads, { genericPlans: true });
    expect(await plansOf(db, 'AS pending')).toEqual({ generic: RUNS, custom: 0 });
    expect(await plansOf(db, 'AS seen')).toEqual({ generic: RUNS, custom: 0 });
  });

  it('leave other transactions to Postgres, which plans such statements anew on every execution', async () => {
    const db = oneConnection();
    for (let i = 0; i < RUNS; i++) await db.$transaction(hotReads);
    // The first five executions are custom plans by Postgres's rule; for the vehicle situation it
    // keeps choosing them (what genericPlans is for).
    expect((await plansOf(db, 'AS pending')).custom).toBeGreaterThanOrEqual(5);
    expect(await plansOf(db, 'AS seen')).toEqual({ generic: 0, custom: RUNS });
  });

  it('set the mode for their own statements only, next to the advisory locks, and not for the connection', async () => {
    const db = oneConnection();
    const inside = await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ mode: string; locks: number }[]>`
          SELECT current_setting('plan_cache_mode') AS mode,
                 (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted) AS locks`;
        return row;
      },
      { genericPlans: true, advisoryLocks: [`plan-cache-test/${randomUUID()}`] },
    );
    expect(inside).toEqual({ mode: 'force_generic_plan', locks: 1 });
    // The same connection afterwards, in and out of a transaction.
    expect(await db.$queryRaw`SELECT current_setting('plan_cache_mode') AS mode`).toEqual([{ mode: 'auto' }]);
    expect(await db.$transaction((tx) => tx.$queryRaw`SELECT current_setting('plan_cache_mode') AS mode`)).toEqual([{ mode: 'auto' }]);
  });
});
