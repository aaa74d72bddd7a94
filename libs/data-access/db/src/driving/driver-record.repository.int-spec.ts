import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteRepository } from '../pricing/quote.repository';
import { SqlDatabase } from '../sql/sql-database';
import { DriverRecordRepository } from './driver-record.repository';

/** The database the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const HOUR_MS = 3_600_000;

/**
 * A driver's history as pricing reads it from the other services' records: elapsed covered hours
 * of started cover (policy's table) and the claims on it that stand (claims-trigger's), at this
 * partner, and across partners only where both opted in.
 */
describe(`${DriverRecordRepository.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const sut = new DriverRecordRepository(db);
  const quotes = new QuoteRepository(db);
  const run = randomUUID().slice(0, 6);
  const partners = { sharing: `share-a-${run}`, alsoSharing: `share-b-${run}`, private: `private-${run}` };
  const now = new Date();

  beforeAll(async () => {
    for (const [id, shares] of [[partners.sharing, true], [partners.alsoSharing, true], [partners.private, false]] as const) {
      await db.$executeRaw`INSERT INTO partner (id, name, api_key_hash, webhook_secret, share_driver_history) VALUES (${id}, ${id}, ${`hash-${id}`}, 'whsec_x', ${shares})`;
    }
  });
  afterAll(() => db.end());

  /** A booking of `driverKey` at `partnerId` with cover from `startHoursAgo` for `hours`, and its claims. */
  async function covered(partnerId: string, driverKey: string, sharedKey: string, cover: { startHoursAgo: number; hours: number; status?: string }, claims: string[] = []) {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const policyId = randomUUID();
    const start = new Date(now.getTime() - cover.startHoursAgo * HOUR_MS);
    const end = new Date(start.getTime() + cover.hours * HOUR_MS);
    await quotes.saveChunk([], [{ partnerId, bookingId, vehicleId: 'v-1', driverKey, sharedDriverKey: sharedKey, drivingConsent: false }]);
    await db.$executeRaw`
      INSERT INTO policy (id, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, request, last_sequence)
      VALUES (${policyId}::uuid, ${partnerId}, ${bookingId}, 'v-1', 'ref', 'standard', ${cover.status ?? 'ended'}, 'ended', ${start}, ${end}, '{}'::jsonb, 3)`;
    for (const status of claims) {
      await db.$executeRaw`
        INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause, occurred_at, last_signal_at, coverages, reserve_yen)
        VALUES (${randomUUID()}::uuid, ${`CL-${randomUUID().slice(0, 12)}`}, ${partnerId}, 'v-1', ${policyId}::uuid, 'KC-1', ${bookingId}, 'ref', 'standard', ${status}, 'minor', 'collision', ${start}, ${start}, '[]'::jsonb, 0)`;
    }
  }
  const lookup = (partnerId: string, driverKey: string, sharedDriverKey: string) => sut.totals([{ partnerId, driverKey, sharedDriverKey }], now).then((m) => m.get(driverKey)?.history);

  it('counts elapsed covered hours of started cover and the claims on it that were not withdrawn', async () => {
    const key = `k-${run}-own`;
    await covered(partners.private, key, `s-${run}-own`, { startHoursAgo: 10, hours: 4 }, ['confirmed', 'withdrawn']);
    await covered(partners.private, key, `s-${run}-own`, { startHoursAgo: 2, hours: 6, status: 'active' });
    await covered(partners.private, key, `s-${run}-own`, { startHoursAgo: 30, hours: 5, status: 'cancelled' });
    await covered(partners.private, key, `s-${run}-own`, { startHoursAgo: -5, hours: 5, status: 'bound' });

    const history = await lookup(partners.private, key, `s-${run}-own`);

    // 4 h ended with one standing claim, 2 of 6 h elapsed claim-free; the cancelled and future cover count nothing.
    expect(history?.coveredHours).toBeCloseTo(6, 3);
    expect(history?.claimFreeHours).toBeCloseTo(2, 3);
    expect(history?.claims).toBe(1);
  });

  it('pools hours across partners only when both the asking and the recorded partner opted in', async () => {
    const shared = `s-${run}-pooled`;
    await covered(partners.alsoSharing, `k-${run}-b`, shared, { startHoursAgo: 20, hours: 10 });
    await covered(partners.private, `k-${run}-p`, shared, { startHoursAgo: 40, hours: 7 });

    expect((await lookup(partners.sharing, `k-${run}-a`, shared))?.coveredHours).toBeCloseTo(10, 3);
    expect((await lookup(partners.private, `k-${run}-p2`, shared))?.coveredHours).toBe(0);
    const stored = await db.$queryRaw<{ partner_id: string; shared_driver_key: string | null }[]>`
      SELECT partner_id, shared_driver_key FROM driver_booking WHERE driver_key IN (${`k-${run}-b`}, ${`k-${run}-p`}) ORDER BY partner_id`;
    // A partner that did not opt in never stores the cross-partner pseudonym.
    expect(stored.map((r) => [r.partner_id, r.shared_driver_key])).toEqual([
      [partners.private, null],
      [partners.alsoSharing, shared],
    ]);
  });
});
