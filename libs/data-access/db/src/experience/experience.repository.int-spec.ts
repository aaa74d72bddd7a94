import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '../sql/sql-database';
import { ExperienceRepository } from './experience.repository';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/**
 * The experience data set carries the telematics score each covered interval was priced with and
 * whose it was, read from the request stored with the policy and pricing's record of the booking.
 */
describe('experience data set: driving score (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const experience = new ExperienceRepository(db);
  afterAll(() => db.end());

  /** A policy whose cover ran for two hours from `start`, priced from `telematics` when given. */
  const coveredInterval = async (start: Date, telematics: { score: number; km: number } | undefined, pricedDriver?: Record<string, unknown>) => {
    const id = randomUUID();
    const bookingId = `exp-${id}`;
    const request = {
      bookingId,
      startsAt: start.toISOString(),
      driver: { driverId: `d-${id.slice(0, 8)}`, age: 41, grade: 14, licenceColour: 'gold', ...(telematics ? { telematics } : {}) },
      vehicle: { vehicleId: 'v-exp', category: 'ordinary', modelRatingClass: 5, firstRegistration: '2022-04', valueYen: 2_000_000 },
    };
    await db.$executeRaw`
      INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, booked_end,
                          premium_yen, refund_yen, tariff_version, request, last_sequence, bound_at)
      VALUES (${id}::uuid, ${`KC-EXP-${id.slice(0, 8)}`}, 'demo', ${bookingId}, 'v-exp', ${request.driver.driverId}, 'standard', 'ended', 'ended',
              ${start}, ${new Date(start.getTime() + 7_200_000)}, ${new Date(start.getTime() + 7_200_000)}, 900, 0, 'standard@exp', ${JSON.stringify(request)}::jsonb, 2, ${start})`;
    if (pricedDriver !== undefined) {
      await db.$executeRaw`
        INSERT INTO driver_booking (partner_id, booking_id, driver_key, driving_consent, vehicle_id, priced_driver)
        VALUES ('demo', ${bookingId}, ${`dk-${id}`}, true, 'v-exp', ${JSON.stringify(pricedDriver)}::jsonb)`;
    }
    return id;
  };

  it('gives the platform score, the partner score, an unknown source once pricing\'s record is gone, and nothing without a score', async () => {
    // An hour of its own, years back, so no other test's policy falls in the window.
    const from = new Date(Date.UTC(2019, 4, 1 + Math.floor(Math.random() * 28), Math.floor(Math.random() * 24)));
    const at = (minutes: number) => new Date(from.getTime() + minutes * 60_000);
    const platform = await coveredInterval(at(1), { score: 83, km: 412 }, { telematics: { score: 83, km: 412 } });
    const partner = await coveredInterval(at(2), { score: 61, km: 90 }, {});
    const unknown = await coveredInterval(at(3), { score: 47, km: 10 });
    const none = await coveredInterval(at(4), undefined, {});

    const rows = await experience.intervals(from, at(60));
    const byId = new Map(rows.map((r) => [r.policyId, { score: r.drivingScore, source: r.drivingScoreSource }]));
    expect(byId.get(platform)).toEqual({ score: 83, source: 'platform' });
    expect(byId.get(partner)).toEqual({ score: 61, source: 'partner' });
    expect(byId.get(unknown)).toEqual({ score: 47, source: 'unknown' });
    expect(byId.get(none)).toEqual({ score: null, source: null });
  });
});
