import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from './price-quote';

const NOW = new Date('2026-11-20T00:00:00+09:00');

/**
 * A reference driver and car whose factors are all neutral except the claim-free grade 5
 * (-2% at half weight = 0.99): ordinary car in the neutral model rating class 9, first registered
 * more than ten years before (no vehicle-age discount), driver aged 35, blue licence, no ASV, no
 * eco, no trust or telematics score, no platform claims. Cover starts 2026-12-01 10:00 JST, so the
 * tariff kc-carshare-2026-10 applies.
 */
function request(overrides: { plan?: QuoteRequestV1['plan']; minutes?: number; category?: string; modelRatingClass?: number; age?: number; licence?: 'gold' | 'blue' | 'green' } = {}): QuoteRequestV1 {
  const start = new Date('2026-12-01T10:00:00+09:00');
  const end = new Date(start.getTime() + (overrides.minutes ?? 1440) * 60_000);
  return {
    bookingId: 'b-hand',
    partnerId: 'demo',
    startsAt: '2026-12-01T10:00:00+09:00',
    endsAt: new Date(end.getTime() + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00'),
    plan: overrides.plan ?? 'liability',
    vehicle: {
      vehicleId: 'v-1',
      category: overrides.category ?? 'ordinary',
      modelRatingClass: overrides.modelRatingClass ?? 9,
      firstRegistration: '2014-01',
      eco: false,
      asv: false,
      plateClassification: '300',
      ownership: 'fleet',
      rental: false,
    },
    driver: { driverId: 'd-1', age: overrides.age ?? 35, licenceColour: overrides.licence ?? 'blue', grade: 5 },
  } as QuoteRequestV1;
}

/**
 * Worked by hand from the tariff file, in integer sen, rounding half up after each step:
 * base per 24 h (liability = bodily injury 195 + property damage 215 = 410 yen for an ordinary car)
 * x exposure ((h/24)^0.4 on the first day; 0.9 for day 2) x driver factors x 1.05 safety margin,
 * / 0.599 (1 - 29.1% expenses - 9% claim handling - 2% profit), + 30 yen policy fee, at least
 * 200 yen, rounded up to 10 yen. docs/pricing.md shows the first case line by line.
 */
const HAND_COMPUTED: { name: string; req: QuoteRequestV1; platformClaims?: number; premium: number }[] = [
  // 41000 x0.99 = 40590; x1.05 = 42620 (42619.5); /0.599 = 71152; +3000 = 74152 sen -> 750
  { name: 'liability, 24 h', req: request(), premium: 750 },
  // 41000 x0.5743 = 23546; x0.99 = 23311; x1.05 = 24477; /0.599 = 40863; +3000 = 43863 -> 440
  { name: 'liability, 6 h', req: request({ minutes: 360 }), premium: 440 },
  // 30 min billed as the 1 h minimum: 41000 x0.2805 = 11501; 11386; 11955; 19958; 22958 -> 230
  { name: 'liability, 30 minutes (1 h minimum)', req: request({ minutes: 30 }), premium: 230 },
  // kei (BI 160 + PD 175 = 335), neutral class 4: 33500; 33165; 34823; 58135; 61135 -> 620
  { name: 'kei liability, 24 h', req: request({ category: 'kei', modelRatingClass: 4 }), premium: 620 },
  // kei 1 h: 9397; 9303; 9768; 16307; 19307 sen = 193.07 yen < 200 minimum -> 200
  { name: 'kei liability, 1 h (minimum premium)', req: request({ category: 'kei', modelRatingClass: 4, minutes: 60 }), premium: 200 },
  // age 19 (x2.2): 90200; 89298; 93763; 156533; 159533 -> 1600
  { name: 'driver aged 19', req: request({ age: 19 }), premium: 1600 },
  // x2.2 x0.99 x1.4 (2 platform claims) = 3.0492 > cap 3.0: 90200; 89298; 125017; capped: 41000 x3.0 = 123000; 129150; 215609; 218609 -> 2190
  { name: 'factor cap at 3.0', req: request({ age: 19 }), platformClaims: 2, premium: 2190 },
  // standard = 195 + 215 + 95 + 600 = 1105: 110500; 109395; 114865; 191761; 194761 -> 1950
  { name: 'standard, 24 h', req: request({ plan: 'standard' }), premium: 1950 },
  // full = 195 + 215 + 95 + 1030 + 60 road assistance = 1595: 159500; 157905; 165800; 276795; 279795 -> 2800
  { name: 'full, 24 h', req: request({ plan: 'full' }), premium: 2800 },
  // gold licence x0.84: 41000; 40590; 34096; 35801; 59769; 62769 -> 630
  { name: 'gold licence', req: request({ licence: 'gold' }), premium: 630 },
  // 48 h: exposure 1 + 0.9 = 1.9: 77900; 77121; 80977; 135187; 138187 -> 1390
  { name: 'liability, 48 h', req: request({ minutes: 2880 }), premium: 1390 },
  // class 10: BI 19500 x1.08 = 21060, PD 21500 x1.08 = 23220 -> 44280; 43837; 46029; 76843; 79843 -> 800
  { name: 'model rating class 10', req: request({ modelRatingClass: 10 }), premium: 800 },
];

describe('priceQuote: hand-computed premiums (kc-carshare-2026-10)', () => {
  it.each(HAND_COMPUTED)('$name costs $premium yen', ({ req, platformClaims, premium }) => {
    const sut = priceQuote(req, { now: NOW, platformClaims });
    expect(sut.status).toBe('quoted');
    if (sut.status !== 'quoted') return;
    expect(sut.premium).toBe(premium);
    expect(sut.breakdown.at(-1)?.amount).toBe(premium);
    expect(sut.tariffVersion).toMatch(/^kc-carshare-2026-10@/);
  });

  it('shows the first case step by step: each amount is the running figure', () => {
    const sut = priceQuote(request(), { now: NOW });
    if (sut.status !== 'quoted') throw new Error('expected a quote');
    const byCode = Object.fromEntries(sut.breakdown.map((s) => [s.code, s.amount]));
    expect(byCode).toMatchObject({ base: 410, exposure: 410, grade: 405.9, 'safety-margin': 426.2, loadings: 711.52, 'policy-fee': 741.52, rounding: 750 });
  });

  it('quotes exactly the minutes booked: cover start and end are the booking, in Japan time', () => {
    const sut = priceQuote(request({ minutes: 95 }), { now: NOW });
    if (sut.status !== 'quoted') throw new Error('expected a quote');
    expect(sut.coverStart).toBe('2026-12-01T10:00:00+09:00');
    expect(sut.coverEnd).toBe('2026-12-01T11:35:00+09:00');
    expect(sut.billedMinutes).toBe(105);
  });

  it('prices a cover starting on or after 2027-01-01 with the replacement 2027 tariff, and one quoted before with the old', () => {
    const later = { ...request(), startsAt: '2027-01-05T10:00:00+09:00', endsAt: '2027-01-06T10:00:00+09:00' };
    const sut = priceQuote(later, { now: NOW });
    if (sut.status !== 'quoted') throw new Error('expected a quote');
    // kc-carshare-2027-01 raised driver cover 6%, which seed 002 does not revise (issue #17, defect 4).
    // The replacement carries 2026-12's derived rate level (docs/pricing.md, the derivation).
    expect(sut.tariffVersion).toMatch(/^kc-carshare-2027-01-r2@/);
    expect(sut.premium).toBe(840);
    expect(priceQuote(request(), { now: NOW })).toMatchObject({ premium: 750 });
  });

  it('declines with every reason at once, never a price', () => {
    const bad = request({ age: 17 });
    bad.vehicle.rental = true;
    bad.vehicle.plateClassification = '800';
    const sut = priceQuote(bad, { now: NOW, vehicleHasOpenDamageClaim: true });
    expect(sut.status).toBe('declined');
    if (sut.status !== 'declined') return;
    expect(sut.reasons.map((r) => r.code).sort()).toEqual(['driver-underage', 'vehicle-damage-unresolved', 'vehicle-rental', 'vehicle-special-plate']);
  });

  it('gives the same yen and quote id for the same request, forever', () => {
    const a = priceQuote(request({ plan: 'full', minutes: 200 }), { now: NOW });
    const b = priceQuote(request({ plan: 'full', minutes: 200 }), { now: new Date('2026-11-30T00:00:00+09:00') });
    expect(a).toEqual(b);
  });
});
