import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceExtension, refundForEarlyEnd } from './cover-changes';
import { priceQuote } from './price-quote';

const NOW = new Date('2026-11-20T00:00:00+09:00');
const START = Date.parse('2026-12-01T01:00:00Z');
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

const requestArb = fc
  .record({
    plan: fc.constantFrom('liability', 'standard', 'full'),
    minutes: fc.integer({ min: 1, max: 10_080 }),
    category: fc.constantFrom('ordinary', 'small', 'kei'),
    classFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    firstRegistration: fc.constantFrom('2010-04', '2019-09', '2023-01', '2025-06', '2026-10'),
    eco: fc.boolean(),
    asv: fc.boolean(),
    age: fc.integer({ min: 18, max: 95 }),
    licence: fc.constantFrom('gold', 'blue', 'green'),
    grade: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    accidentYears: fc.integer({ min: 0, max: 6 }),
    trust: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    telematics: fc.option(fc.record({ score: fc.integer({ min: 0, max: 100 }), km: fc.integer({ min: 0, max: 20_000 }) }), { nil: undefined }),
  })
  .map(
    (r): QuoteRequestV1 =>
      ({
        bookingId: 'b-prop',
        partnerId: 'demo',
        startsAt: jst(START),
        endsAt: jst(START + r.minutes * 60_000),
        plan: r.plan,
        vehicle: {
          vehicleId: 'v',
          category: r.category,
          modelRatingClass: 1 + Math.floor(r.classFraction * (r.category === 'kei' ? 6.999 : 16.999)),
          firstRegistration: r.firstRegistration,
          eco: r.eco,
          asv: r.asv,
          plateClassification: '500',
          ownership: 'fleet',
          rental: false,
        },
        driver: { driverId: 'd', age: r.age, licenceColour: r.licence, grade: r.grade, accidentCoefficientYears: r.accidentYears, trustScore: r.trust, telematics: r.telematics },
      }) as QuoteRequestV1,
  );

const quoted = (req: QuoteRequestV1, platformClaims = 0) => {
  const q = priceQuote(req, { now: NOW, platformClaims });
  if (q.status !== 'quoted') throw new Error(`declined: ${JSON.stringify(q.reasons)}`);
  return q;
};

describe('priceQuote properties', () => {
  it('always ends its breakdown on the premium, a whole multiple of 10 yen of at least 200', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const q = quoted(req);
        expect(q.breakdown.at(-1)?.amount).toBe(q.premium);
        expect(q.premium % 10).toBe(0);
        expect(q.premium).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: 500 },
    );
  });

  it('never charges less for more minutes of the same cover', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 1, max: 600 }), (req, extra) => {
        const longerEnd = Math.min(Date.parse(req.endsAt) + extra * 60_000, START + 10_080 * 60_000);
        const longer = { ...req, endsAt: jst(longerEnd) };
        expect(quoted(longer).premium).toBeGreaterThanOrEqual(quoted(req).premium);
      }),
      { numRuns: 300 },
    );
  });

  it('never charges less for more platform claims', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 0, max: 4 }), (req, claims) => {
        expect(quoted(req, claims + 1).premium).toBeGreaterThanOrEqual(quoted(req, claims).premium);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the price at the cap when one more claim pushes the factors further past it (found by fast-check)', () => {
    const req = {
      bookingId: 'b-prop', partnerId: 'demo', startsAt: '2026-12-01T10:00:00+09:00', endsAt: '2026-12-01T10:01:00+09:00', plan: 'standard',
      vehicle: { vehicleId: 'v', category: 'ordinary', modelRatingClass: 17, firstRegistration: '2025-06', eco: true, asv: false, plateClassification: '500', ownership: 'fleet', rental: false },
      driver: { driverId: 'd', age: 30, licenceColour: 'green', grade: 18, accidentCoefficientYears: 1, trustScore: 0 },
    } as QuoteRequestV1;
    expect(quoted(req, 5).premium).toBeGreaterThanOrEqual(quoted(req, 4).premium);
  });

  it('charges an extension exactly the difference between the longer and the original period, and refunds at most what was paid', () => {
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 15, max: 1_440 }), (req, extraMinutes) => {
        const q = quoted(req);
        const cover = { request: req, tariffVersion: q.tariffVersion, premium: q.premium };
        const end = new Date(req.endsAt);
        const newEnd = new Date(Math.min(end.getTime() + extraMinutes * 60_000, START + 10_080 * 60_000));
        const { premiumDelta, newPremium } = priceExtension(cover, end, newEnd);
        expect(premiumDelta).toBeGreaterThanOrEqual(0);
        expect(newPremium).toBe(q.premium + premiumDelta);
        const endedAt = new Date(START + Math.floor((end.getTime() - START) / 2));
        const refund = refundForEarlyEnd(cover, end, endedAt);
        expect(refund).toBeGreaterThanOrEqual(0);
        expect(refund).toBeLessThanOrEqual(q.premium);
        expect(Number.isInteger(refund)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
