import { describe, expect, it } from 'vitest';
import { coverScheduleV1Schema } from '@kuruma/contracts';
import { coverSchedule, coverScheduleOf } from './cover-schedule';
import { tariffs } from './tariff-registry';

const withLimits = tariffs.byVersion('kc-carshare-2026-12');
const launch = tariffs.byVersion('kc-carshare-2026-10');
const byCoverage = (s: ReturnType<typeof coverSchedule>) => Object.fromEntries(s.coverages.map((c) => [c.coverage, c]));

describe(coverSchedule.name, () => {
  it('standard plan: liability unlimited, personal injury 50M per occupant, vehicle damage up to the band with the plan deductible', () => {
    const sut = coverSchedule(withLimits.data, 'standard', 4_200_000);

    expect(sut.basis).toBe('tariff-limits');
    expect(byCoverage(sut)).toMatchObject({
      bodilyInjury: { limit: 'unlimited', per: 'victim', deductibleYen: 0 },
      propertyDamage: { limit: 'unlimited', per: 'accident', deductibleYen: 0 },
      personalInjury: { limit: 50_000_000, per: 'occupant', deductibleYen: 0 },
      vehicleDamageStandard: { limit: 5_000_000, per: 'accident', deductibleYen: 100_000 },
    });
    expect(sut.vehicleValue).toEqual({ band: '3m-5m', agreedValueYen: 5_000_000, declaredValueYen: 4_200_000, defaulted: false });
    expect(sut.exclusions.map((e) => e.code)).toEqual(expect.arrayContaining(['earthquake-eruption-tsunami', 'illness-or-insanity', 'outside-booking']));
  });

  it('full plan: 50,000 yen deductible and road assistance with its towing, lodging and travel limits', () => {
    const sut = byCoverage(coverSchedule(withLimits.data, 'full', undefined));

    expect(sut['vehicleDamageFull']).toMatchObject({ limit: 3_000_000, deductibleYen: 50_000 });
    expect(sut['roadAssistance']).toMatchObject({
      limit: 150_000,
      per: 'accident',
      sublimits: [
        { label: 'lodging', limitYen: 20_000, per: 'person' },
        { label: 'onward travel', limitYen: 20_000, per: 'person' },
      ],
    });
  });

  it('a booking without a value is covered up to the default band, and the schedule says it was defaulted', () => {
    expect(coverSchedule(withLimits.data, 'standard', undefined).vehicleValue).toEqual({ band: '1m-3m', agreedValueYen: 3_000_000, defaulted: true });
  });

  it('liability plan: only the liability coverages, no value band, no vehicle-only exclusions', () => {
    const sut = coverSchedule(withLimits.data, 'liability', 8_000_000);

    expect(sut.coverages.map((c) => c.coverage)).toEqual(['bodilyInjury', 'propertyDamage']);
    expect(sut.vehicleValue).toBeUndefined();
    expect(sut.exclusions.map((e) => e.code)).not.toContain('earthquake-eruption-tsunami');
    expect(sut.exclusions.map((e) => e.code)).toContain('intentional-war-nuclear');
  });

  it('answers each declared value its own, however many quotes came before', () => {
    const first = coverSchedule(withLimits.data, 'standard', 3_100_000);
    const second = coverSchedule(withLimits.data, 'standard', 4_900_000);

    expect([first.vehicleValue?.declaredValueYen, second.vehicleValue?.declaredValueYen]).toEqual([3_100_000, 4_900_000]);
    expect(coverSchedule(withLimits.data, 'standard', undefined).vehicleValue).toEqual({ band: '1m-3m', agreedValueYen: 3_000_000, defaulted: true });
  });

  it('a version from before the schedule says so and states only its plan deductibles', () => {
    const sut = coverSchedule(launch.data, 'standard', 4_200_000);

    expect(sut.basis).toBe('predates-limits-schedule');
    expect(sut.note).toMatch(/kc-carshare-2026-10 predates the limits schedule/);
    expect(sut.coverages.every((c) => c.limit === undefined)).toBe(true);
    expect(byCoverage(sut)['vehicleDamageStandard']).toMatchObject({ deductibleYen: 100_000 });
    expect(sut.exclusions).toEqual([]);
    expect(sut.vehicleValue).toBeUndefined();
  });

  it('every schedule is valid against the published contract', () => {
    for (const t of tariffs.all()) {
      for (const plan of ['liability', 'standard', 'full'] as const) {
        for (const value of [undefined, 800_000, 10_000_000]) expect(coverScheduleV1Schema.safeParse(coverSchedule(t.data, plan, value)).success).toBe(true);
      }
    }
  });

  it('every limit, band and exclusion cites a seed file and section or is labelled an assumption', () => {
    const t = withLimits.data;
    const sources = [t.vehicleValueBands?.source, ...Object.values(t.limits ?? {}).map((l) => l.source), ...(t.exclusions ?? []).map((e) => e.source)];
    expect(sources.length).toBeGreaterThan(10);
    for (const source of sources) expect(source).toMatch(/seed 00\d (?:section|§)|assumption/);
  });
});

describe(coverScheduleOf.name, () => {
  it('reads a stored policy: version, plan and the stored request', () => {
    const sut = coverScheduleOf(withLimits.version, 'standard', { vehicle: { valueYen: 600_000 } });
    expect(sut?.vehicleValue).toMatchObject({ band: 'up-to-1m', agreedValueYen: 1_000_000 });
  });

  it('gives nothing for an unknown or changed version, or an unknown plan, rather than failing a read', () => {
    expect(coverScheduleOf('kc-carshare-1999-01@abc', 'standard', {})).toBeUndefined();
    expect(coverScheduleOf(`${withLimits.data.id}@000000000000`, 'standard', {})).toBeUndefined();
    expect(coverScheduleOf(withLimits.version, 'platinum', {})).toBeUndefined();
    expect(coverScheduleOf(null, 'standard', {})).toBeUndefined();
  });
});
