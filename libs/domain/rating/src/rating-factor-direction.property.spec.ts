import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from './price-quote';
import { tariffs } from './tariff-registry';

const NOW = new Date('2026-11-20T00:00:00+09:00');
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/** A grade as a partner gives it: none (a new contract at 6(S)) or 1-20 with accident years. */
type GradeGiven = { grade: number | undefined; accidentYears: number };
const gradeArb: fc.Arbitrary<GradeGiven> = fc.record({
  grade: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  accidentYears: fc.integer({ min: 0, max: 6 }),
});

/** The grade table's % change for a grade as given, from the tariff the quote was priced with. */
function gradePercent(tariffVersion: string, g: GradeGiven): number {
  const t = tariffs.byVersion(tariffVersion).data.grade;
  if (g.grade === undefined) return t.newContract6S;
  return g.grade >= 7 && g.accidentYears > 0 ? (t.withAccidentFrom7[g.grade - 7] as number) : (t.noAccident[g.grade - 1] as number);
}

/** Cover starting anywhere from 2026-12-08 JST (kc-carshare-2026-12) to well into 2027 (its replacement). */
const startArb = fc.integer({ min: Date.parse('2026-12-08T00:00:00+09:00'), max: Date.parse('2027-03-31T00:00:00+09:00') }).map((ms) => ms - (ms % 900_000));

const requestArb = fc
  .record({
    start: startArb,
    plan: fc.constantFrom('liability', 'standard', 'full'),
    minutes: fc.integer({ min: 1, max: 10_080 }),
    category: fc.constantFrom('ordinary', 'small', 'kei'),
    classFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    // New cars (both 6(S) and other columns differ most there) as well as old ones.
    registeredMonthsBefore: fc.integer({ min: 0, max: 150 }),
    eco: fc.boolean(),
    asv: fc.boolean(),
    age: fc.integer({ min: 18, max: 95 }),
    licence: fc.constantFrom('gold', 'blue', 'green'),
    grade: gradeArb,
    trust: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    telematics: fc.option(fc.record({ score: fc.integer({ min: 0, max: 100 }), km: fc.integer({ min: 0, max: 20_000 }) }), { nil: undefined }),
    platformClaims: fc.integer({ min: 0, max: 5 }),
  })
  .map((r) => {
    const startJst = new Date(r.start + 9 * 3_600_000);
    const reg = new Date(Date.UTC(startJst.getUTCFullYear(), startJst.getUTCMonth() - r.registeredMonthsBefore, 1));
    const request = {
      bookingId: 'b-dir',
      partnerId: 'demo',
      startsAt: jst(r.start),
      endsAt: jst(r.start + r.minutes * 60_000),
      plan: r.plan,
      vehicle: {
        vehicleId: 'v',
        category: r.category,
        modelRatingClass: 1 + Math.floor(r.classFraction * (r.category === 'kei' ? 6.999 : 16.999)),
        firstRegistration: reg.toISOString().slice(0, 7),
        eco: r.eco,
        asv: r.asv,
        plateClassification: '500',
        ownership: 'fleet',
        rental: false,
      },
      driver: { driverId: 'd', age: r.age, licenceColour: r.licence, grade: r.grade.grade, accidentCoefficientYears: r.grade.accidentYears, trustScore: r.trust, telematics: r.telematics },
    } as QuoteRequestV1;
    return { request, platformClaims: r.platformClaims };
  });

const withGrade = (req: QuoteRequestV1, g: GradeGiven): QuoteRequestV1 => ({ ...req, driver: { ...req.driver, grade: g.grade, accidentCoefficientYears: g.accidentYears } });
const priced = (req: QuoteRequestV1, platformClaims: number) => {
  const q = priceQuote(req, { now: NOW, platformClaims });
  if (q.status !== 'quoted') throw new Error(`declined: ${JSON.stringify(q.reasons)}`);
  return q;
};
const premium = (req: QuoteRequestV1, platformClaims: number) => priced(req, platformClaims).premium;

describe('rating factor directions, all else equal, for every version in force from 2026-12-08 (issue #17)', () => {
  it('prices that period with kc-carshare-2026-12 and its 2027 replacement only', () => {
    fc.assert(
      fc.property(requestArb, ({ request, platformClaims }) => {
        expect(priced(request, platformClaims).tariffVersion).toMatch(/^kc-carshare-(2026-12|2027-01-r2)@/);
      }),
      { numRuns: 200 },
    );
  });

  it('never charges more for a better claim-free grade', () => {
    fc.assert(
      fc.property(requestArb, gradeArb, gradeArb, ({ request, platformClaims }, a, b) => {
        const version = priced(request, platformClaims).tariffVersion;
        const [better, worse] = gradePercent(version, a) <= gradePercent(version, b) ? [a, b] : [b, a];
        expect(premium(withGrade(request, better), platformClaims)).toBeLessThanOrEqual(premium(withGrade(request, worse), platformClaims));
      }),
      { numRuns: 600 },
    );
  });

  it('never charges a driver who gives a grade better than the new-contract grade more than one who gives none', () => {
    fc.assert(
      fc.property(requestArb, gradeArb, ({ request, platformClaims }, g) => {
        const version = priced(request, platformClaims).tariffVersion;
        fc.pre(g.grade !== undefined && gradePercent(version, g) < tariffs.byVersion(version).data.grade.newContract6S);
        expect(premium(withGrade(request, g), platformClaims)).toBeLessThanOrEqual(premium(withGrade(request, { grade: undefined, accidentYears: 0 }), platformClaims));
      }),
      { numRuns: 600 },
    );
  });

  it('never charges more for a gold licence, an eco car or automatic emergency braking', () => {
    fc.assert(
      fc.property(requestArb, ({ request, platformClaims }) => {
        const base = premium(request, platformClaims);
        for (const licence of ['blue', 'green'] as const) {
          expect(premium({ ...request, driver: { ...request.driver, licenceColour: 'gold' } }, platformClaims)).toBeLessThanOrEqual(
            premium({ ...request, driver: { ...request.driver, licenceColour: licence } }, platformClaims),
          );
        }
        expect(premium({ ...request, vehicle: { ...request.vehicle, eco: true } }, platformClaims)).toBeLessThanOrEqual(premium({ ...request, vehicle: { ...request.vehicle, eco: false } }, platformClaims));
        expect(premium({ ...request, vehicle: { ...request.vehicle, asv: true } }, platformClaims)).toBeLessThanOrEqual(premium({ ...request, vehicle: { ...request.vehicle, asv: false } }, platformClaims));
        expect(base).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});
