import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from './price-quote';

const NOW = new Date('2026-11-20T00:00:00+09:00');

/**
 * The reference driver of docs/pricing.md (35, blue licence, neutral model class) in a car first
 * registered the month before cover starts, standard plan, 24 hours: the case issue #17 found.
 */
function newCar(startsAt: string, endsAt: string, grade: number | undefined, category: 'ordinary' | 'kei' = 'ordinary'): QuoteRequestV1 {
  return {
    bookingId: 'b-new-car',
    partnerId: 'demo',
    startsAt,
    endsAt,
    plan: 'standard',
    vehicle: { vehicleId: 'v-1', category, modelRatingClass: category === 'kei' ? 4 : 9, firstRegistration: '2026-11', eco: false, asv: false, plateClassification: '300', ownership: 'fleet', rental: false },
    driver: { driverId: 'd-1', age: 35, licenceColour: 'blue', grade },
  } as QuoteRequestV1;
}

const quote = (req: QuoteRequestV1) => {
  const q = priceQuote(req, { now: NOW });
  if (q.status !== 'quoted') throw new Error('expected a quote');
  return q;
};
const premiums = (startsAt: string, endsAt: string, category: 'ordinary' | 'kei' = 'ordinary') =>
  Object.fromEntries(([6, 7, 8, undefined] as const).map((g) => [String(g ?? 'none'), quote(newCar(startsAt, endsAt, g, category)).premium]));

describe('grade and the 6(S) vehicle-age column (issue #17, defects 2 and 3)', () => {
  it('keeps the closed version kc-carshare-2026-10 as bound: a better grade there can cost more (documented known defect)', () => {
    // Cover from 2026-12-01: kc-carshare-2026-10. These yen must never change (policies are bound with them).
    expect(premiums('2026-12-01T10:00:00+09:00', '2026-12-02T10:00:00+09:00')).toEqual({ 6: 1280, 7: 1530, 8: 1440, none: 1390 });
  });

  it('from kc-carshare-2026-12, a better grade never costs more and no grade costs the most', () => {
    expect(premiums('2026-12-10T10:00:00+09:00', '2026-12-11T10:00:00+09:00')).toEqual({ 6: 1240, 7: 1150, 8: 1080, none: 1340 });
  });

  it('gives a new kei car at grade 6(S) the kei 6(S) discounts of seed 002 section 1-3 from kc-carshare-2026-12', () => {
    const before = quote(newCar('2026-12-01T10:00:00+09:00', '2026-12-02T10:00:00+09:00', undefined, 'kei'));
    const after = quote(newCar('2026-12-10T10:00:00+09:00', '2026-12-11T10:00:00+09:00', undefined, 'kei'));
    // Closed version: the kei other-grades row for 13 months or less (17/18/28/8%).
    expect(before.breakdown.find((s) => s.code === 'vehicle-age')?.label).toContain('bodilyInjury x0.83, propertyDamage x0.82, personalInjury x0.72, vehicleDamageStandard x0.92');
    expect(before.premium).toBe(1320);
    // Seed 002 section 1-3, 自家用軽四輪乗用車, 6(S), 13 months or less: 38/38/55/35%.
    expect(after.breakdown.find((s) => s.code === 'vehicle-age')?.label).toContain('bodilyInjury x0.62, propertyDamage x0.62, personalInjury x0.45, vehicleDamageStandard x0.65');
    expect(after.breakdown.find((s) => s.code === 'vehicle-age')?.source).toContain('自家用軽四輪乗用車');
    expect(after.premium).toBe(950);
  });
});
