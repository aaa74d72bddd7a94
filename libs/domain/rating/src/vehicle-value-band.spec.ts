import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1, QuotedV1 } from '@kuruma/contracts';
import { priceQuote } from './price-quote';
import { tariffs } from './tariff-registry';
import { vehicleValueBand } from './vehicle-value-band';

const NOW = new Date('2026-11-20T00:00:00+09:00');
/** 2026-12-10 10:00 JST: kc-carshare-2026-12, the first version with value bands. */
const BANDED_START = Date.parse('2026-12-10T01:00:00Z');
/** 2026-12-01 10:00 JST: kc-carshare-2026-10, which has none. */
const UNBANDED_START = Date.parse('2026-12-01T01:00:00Z');
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/** A fleet car over ten years old (no vehicle-age discount), no eco or ASV discount. */
const FLEET_CAR_2014 = { vehicleId: 'v-1', firstRegistration: '2014-01', eco: false, asv: false, plateClassification: '300', ownership: 'fleet', rental: false };

function request(o: { plan?: QuoteRequestV1['plan']; valueYen?: number; start?: number; minutes?: number; category?: string; age?: number } = {}): QuoteRequestV1 {
  const start = o.start ?? BANDED_START;
  return {
    bookingId: 'b-value',
    partnerId: 'demo',
    startsAt: jst(start),
    endsAt: jst(start + (o.minutes ?? 1440) * 60_000),
    plan: o.plan ?? 'standard',
    vehicle: { ...FLEET_CAR_2014, category: o.category ?? 'ordinary', modelRatingClass: (o.category ?? 'ordinary') === 'kei' ? 4 : 9, ...(o.valueYen !== undefined && { valueYen: o.valueYen }) },
    driver: { driverId: 'd-1', age: o.age ?? 35, licenceColour: 'blue', grade: 5 },
  } as QuoteRequestV1;
}
const quoted = (r: QuoteRequestV1): QuotedV1 => {
  const q = priceQuote(r, { now: NOW });
  if (q.status !== 'quoted') throw new Error(`declined: ${JSON.stringify(q.reasons)}`);
  return q;
};
const banded = tariffs.byVersion('kc-carshare-2026-12').data;

describe('vehicle value band', () => {
  it('puts a value in the first band whose top reaches it, and no value in the default band', () => {
    expect(vehicleValueBand(banded, 1_000_000)?.band.id).toBe('up-to-1m');
    expect(vehicleValueBand(banded, 1_000_001)?.band.id).toBe('1m-3m');
    expect(vehicleValueBand(banded, 7_500_000)?.band.id).toBe('5m-7.5m');
    expect(vehicleValueBand(banded, 10_000_000)?.band.id).toBe('7.5m-10m');
    expect(vehicleValueBand(banded, 10_000_001)).toBeUndefined();
    expect(vehicleValueBand(banded, undefined)).toMatchObject({ band: { id: '1m-3m', upToYen: 3_000_000 }, defaulted: true });
  });

  it('scales only the vehicle-damage line, shown as its own breakdown step with its source', () => {
    const sut = quoted(request({ valueYen: 4_200_000 }));
    const base = sut.breakdown.find((s) => s.code === 'base')?.amount as number;
    const step = sut.breakdown.find((s) => s.code === 'vehicle-value');
    const vd = banded.basePerDay.byCategory.ordinary.vehicleDamageStandard;
    expect(step?.label).toContain('vehicle value 4,200,000 yen: band 3m-5m, agreed value 5,000,000 yen');
    expect(step?.label).toContain('bodilyInjury x1, propertyDamage x1, personalInjury x1, vehicleDamageStandard x1.25');
    expect(step?.amount).toBe(base + vd * 0.25);
    expect(step?.source).toMatch(/seed 002 §1-1 item 5/);
  });

  it('prices a booking without a value like one in the default band, and says so', () => {
    const sut = quoted(request());
    expect(sut.premium).toBe(quoted(request({ valueYen: 2_000_000 })).premium);
    expect(sut.breakdown.find((s) => s.code === 'vehicle-value')?.label).toMatch(/^no vehicle value given: default band 1m-3m, agreed value 3,000,000 yen/);
  });

  it('declines a value above the top band as an invalid vehicle, naming the field', () => {
    const sut = priceQuote(request({ valueYen: 10_000_001 }), { now: NOW });
    expect(sut).toMatchObject({ status: 'declined', reasons: [{ code: 'invalid-vehicle', message: expect.stringContaining('vehicle.valueYen 10,000,001 yen is above the top value band') }] });
  });

  it('leaves the liability plan alone: no step, no decline, whatever the value', () => {
    const sut = quoted(request({ plan: 'liability', valueYen: 9_000_000 }));
    expect(sut.breakdown.map((s) => s.code)).not.toContain('vehicle-value');
    expect(priceQuote(request({ plan: 'liability', valueYen: 10_000_001 }), { now: NOW }).status).toBe('quoted');
  });

  it('prices versions without bands to the same yen and breakdown, value or not', () => {
    const without = quoted(request({ start: UNBANDED_START }));
    const withValue = quoted(request({ start: UNBANDED_START, valueYen: 9_500_000 }));
    expect(withValue.tariffVersion).toMatch(/^kc-carshare-2026-10@/);
    expect(withValue.premium).toBe(without.premium);
    expect(withValue.breakdown).toEqual(without.breakdown);
  });

  const valueArb = fc.integer({ min: 1, max: 10_000_000 });
  const bookingArb = fc.record({
    category: fc.constantFrom('ordinary', 'small', 'kei'),
    minutes: fc.integer({ min: 30, max: 10_080 }),
    age: fc.integer({ min: 18, max: 95 }),
  });

  it('property: a higher vehicle value never costs less for vehicle damage (standard and full)', () => {
    fc.assert(
      fc.property(fc.constantFrom('standard' as const, 'full' as const), bookingArb, valueArb, valueArb, (plan, b, v1, v2) => {
        const [low, high] = v1 <= v2 ? [v1, v2] : [v2, v1];
        expect(quoted(request({ plan, ...b, valueYen: high })).premium).toBeGreaterThanOrEqual(quoted(request({ plan, ...b, valueYen: low })).premium);
      }),
    );
  });

  it('property: the liability premium does not depend on the vehicle value', () => {
    fc.assert(
      fc.property(bookingArb, fc.option(valueArb, { nil: undefined }), (b, valueYen) => {
        expect(quoted(request({ plan: 'liability', ...b, valueYen })).premium).toBe(quoted(request({ plan: 'liability', ...b })).premium);
      }),
    );
  });
});
