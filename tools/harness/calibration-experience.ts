import { randomUUID } from 'node:crypto';
import type { SqlTx } from '@kuruma/data-access-db';
import { driverAgeBand, mulberry32 } from '@kuruma/domain-calibration';
import { computePremium, REFERENCE_BOOK_MIX, referenceBook, tariffs } from '@kuruma/domain-rating';

export const EXPERIENCE_POLICIES = 6000;

/** A calendar year in Japan time, its last quarter the hold-out. Each test file takes its own year (no other test writes cover before 2026). */
export function experienceYear(year: number): { from: Date; holdOutFrom: Date; to: Date } {
  return { from: new Date(`${year}-01-01T00:00:00+09:00`), holdOutFrom: new Date(`${year}-10-01T00:00:00+09:00`), to: new Date(`${year + 1}-01-01T00:00:00+09:00`) };
}

/**
 * A year of experience: real quote requests of the reference book's mix, priced with the launch
 * tariff, with claims drawn so that drivers aged 18-20 claim three times as often as the rest
 * (the filed factor is 2.2) and the others as filed.
 */
export async function storeExperience(db: SqlTx, partnerId: string, year: number): Promise<void> {
  const { from: EXPERIENCE_FROM, to: EXPERIENCE_TO } = experienceYear(year);
  const random = mulberry32(2025);
  const launch = tariffs.byVersion(tariffs.inForceAt(new Date('2026-10-01T00:00:00+09:00'))?.version ?? '');
  const book = referenceBook({ ...REFERENCE_BOOK_MIX, size: EXPERIENCE_POLICIES, seed: 2025, startsAt: `${year}-01-01T00:00:00+09:00` });
  const policies: unknown[][] = [];
  const claims: unknown[][] = [];
  for (const [i, { request }] of book.entries()) {
    const startMs = EXPERIENCE_FROM.getTime() + Math.floor(random() * (EXPERIENCE_TO.getTime() - EXPERIENCE_FROM.getTime()));
    const minutes = (Date.parse(request.endsAt) - Date.parse(request.startsAt)) / 60_000;
    const start = new Date(startMs);
    const end = new Date(startMs + minutes * 60_000);
    const moved = { ...request, bookingId: `cal-${i}`, partnerId, startsAt: start.toISOString(), endsAt: end.toISOString() };
    const premium = computePremium(moved, launch, start, end, { platformClaims: 0, omitSources: true }).premium;
    const id = randomUUID();
    policies.push([id, partnerId, moved.bookingId, moved.vehicle.vehicleId, moved.driver.driverId, moved.plan, start, end, premium, launch.version, JSON.stringify(moved)]);
    const young = driverAgeBand(moved.driver.age) === '18-20';
    // 0.3 claims per day for the reference driver (inflated, so 6,000 bookings carry enough
    // claims); 3x for 18-20 (filed 2.2), otherwise as filed. Poisson counts: a long booking may
    // carry several claims, so the young drivers' relativity is not squashed by a cap of one.
    const rate = 0.3 * (young ? 3 : (launch.data.driverAge.bands.find(([a, b]) => moved.driver.age >= a && moved.driver.age <= b)?.[2] ?? 1)) * (minutes / 1440);
    let count = 0;
    for (let p = random(); p > Math.exp(-rate); p *= random()) count++;
    for (let k = 0; k < count; k++) {
      const coverages = moved.plan === 'liability' ? ['bodily-injury-liability', 'property-damage-liability'] : ['property-damage-liability', 'vehicle-damage'];
      claims.push([randomUUID(), `CAL-${partnerId}-${i}-${k}`, partnerId, moved.vehicle.vehicleId, id, `KC-CAL-${i}`, moved.bookingId, moved.driver.driverId, moved.plan, new Date(startMs + 60_000 * (k + 1)), JSON.stringify(coverages), Math.round(200_000 + random() * 600_000)]);
    }
  }
  await db.$queryRawUnsafe(
    `INSERT INTO policy (id, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, booked_end, premium_yen, tariff_version, request, last_sequence)
     SELECT p.id::uuid, p.partner, p.booking, p.vehicle, p.driver, p.plan, 'ended', 'ended', p.s, p.e, p.e, p.premium, p.version, p.request::jsonb, 1
       FROM jsonb_to_recordset($1::jsonb) AS p(id text, partner text, booking text, vehicle text, driver text, plan text, s timestamptz, e timestamptz, premium int, version text, request text)`,
    JSON.stringify(policies.map(([id, partner, booking, vehicle, driver, plan, s, e, premium, version, request]) => ({ id, partner, booking, vehicle, driver, plan, s, e, premium, version, request }))),
  );
  await db.$queryRawUnsafe(
    `INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause, occurred_at, last_signal_at, coverages, reserve_yen)
     SELECT c.id::uuid, c.number, c.partner, c.vehicle, c.policy::uuid, c.policy_number, c.booking, c.driver, c.plan, 'confirmed', 'major', 'collision', c.at, c.at, c.coverages::jsonb, c.reserve
       FROM jsonb_to_recordset($1::jsonb) AS c(id text, number text, partner text, vehicle text, policy text, policy_number text, booking text, driver text, plan text, at timestamptz, coverages text, reserve int)`,
    JSON.stringify(claims.map(([id, number, partner, vehicle, policy, policy_number, booking, driver, plan, at, coverages, reserve]) => ({ id, number, partner, vehicle, policy, policy_number, booking, driver, plan, at, coverages, reserve }))),
  );
}
