import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '@kuruma/data-access-db';
import { driverPseudonym, sharedDriverPseudonym } from '@kuruma/domain-rating';
import { pseudonymiseHistory } from './pseudonymise-history';

/** The database the int tier's global setup migrates for this run (see tools/harness/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const KEY = 'int-spec-driver-pseudonym-key-0123456789abcdef';

describe(pseudonymiseHistory.name, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  afterAll(() => db.end());
  const run = randomUUID().slice(0, 8);

  /** A booking as it was stored before ingest pseudonymised: its event, quote, policy and claim carry `driverId`. */
  async function storedBooking(bookingId: string, driverId: string, ownerDriverId: string | null, driverKeys: unknown = null) {
    const request = { bookingId, partnerId: 'demo', driver: { driverId, age: 34 }, vehicle: { vehicleId: `v-${run}`, ...(ownerDriverId ? { ownerDriverId } : {}) } };
    await db.$queryRawUnsafe(
      `INSERT INTO booking_event (id, partner_id, booking_id, event_id, sequence, type, outcome, envelope, driver_keys)
       VALUES (gen_random_uuid(), 'demo', $1, $1 || '-1', 1, 'com.kurumacover.booking.created', 'accepted', $2::jsonb, $3::jsonb)`,
      bookingId,
      JSON.stringify({ id: `${bookingId}-1`, data: { ...request, sequence: 1 } }),
      driverKeys === null ? null : JSON.stringify(driverKeys),
    );
    await db.$queryRawUnsafe(`INSERT INTO quote (id, partner_id, booking_id, status, request) VALUES ($1, 'demo', $2, 'quoted', $3::jsonb)`, `q-${bookingId}`, bookingId, JSON.stringify(request));
    const [{ id: policyId }] = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO policy (id, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, request, last_sequence, policy_number)
       VALUES (gen_random_uuid(), 'demo', $1, $2, $3, 'standard', 'bound', 'confirmed', $4::jsonb, 1, $5) RETURNING id::text`,
      bookingId,
      `v-${run}`,
      driverId,
      JSON.stringify(request),
      `KC-${bookingId}`,
    );
    await db.$queryRawUnsafe(
      `INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause, occurred_at, last_signal_at, coverages, reserve_yen)
       VALUES (gen_random_uuid(), $1, 'demo', $2, $3::uuid, $4, $5, $6, 'standard', 'provisional', 'major', 'collision', now(), now(), '[]'::jsonb, 0)`,
      `C-${bookingId}`,
      `v-${run}`,
      policyId,
      `KC-${bookingId}`,
      bookingId,
      driverId,
    );
  }
  const rowsOf = async (bookingId: string) =>
    (
      await db.$queryRawUnsafe<{ row: string }[]>(
        `SELECT to_jsonb(e)::text AS row FROM booking_event e WHERE booking_id = $1
         UNION ALL SELECT to_jsonb(q)::text FROM quote q WHERE booking_id = $1
         UNION ALL SELECT to_jsonb(p)::text FROM policy p WHERE booking_id = $1
         UNION ALL SELECT to_jsonb(c)::text FROM claim c WHERE booking_id = $1`,
        bookingId,
      )
    ).map((r) => r.row);

  it("replaces an old booking's reference everywhere by the pseudonym ingest gives it now, leaves newer rows alone, and finds nothing the second time", async () => {
    const reference = `drv-REF-${run}`;
    const old = `b-old-${run}`;
    const fresh = `b-new-${run}`;
    await storedBooking(old, reference, reference);
    // A booking accepted since: already pseudonymised; its value is left as it is.
    await storedBooking(fresh, 'already-a-pseudonym', null, { driverKey: 'already-a-pseudonym', sharedDriverKey: 's' });

    const first = await pseudonymiseHistory(db, KEY, 1);
    expect(first.events).toBeGreaterThanOrEqual(1);

    const driverKey = driverPseudonym(KEY, 'demo', reference);
    const rows = await rowsOf(old);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).not.toContain(reference);
    for (const row of rows) expect(row).toContain(driverKey);
    const [event] = await db.$queryRawUnsafe<{ driver_keys: unknown; owner: string }[]>(
      `SELECT driver_keys, envelope->'data'->'vehicle'->>'ownerDriverId' AS owner FROM booking_event WHERE booking_id = $1`,
      old,
    );
    // The owner was the driver: still the same pseudonym, so the booking's owner check holds.
    expect(event).toEqual({ driver_keys: { driverKey, sharedDriverKey: sharedDriverPseudonym(KEY, reference) }, owner: driverKey });
    for (const row of await rowsOf(fresh)) expect(row).toContain('already-a-pseudonym');

    expect(await pseudonymiseHistory(db, KEY)).toEqual({ events: 0, quotes: 0, policies: 0, claims: 0 });
  });
});
