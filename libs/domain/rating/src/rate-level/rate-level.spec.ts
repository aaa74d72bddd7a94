import { describe, expect, it } from 'vitest';
import { eligibilityReasons } from '../eligibility';
import { tariffs } from '../tariff-registry';
import { drivingHoursPerDay, expectedLossPerDrivingHour, severityYen } from './expected-loss';
import { basePerDayOf, deriveBaseRates, grossFromPure, rateLevelCheck } from './rate-level-check';
import { referenceBook } from './reference-book';
import { referenceLossModel } from './reference-loss-model';

const corrected = tariffs.byVersion('kc-carshare-2026-12');
const model = referenceLossModel(corrected.data);
const book = referenceBook();

describe('expected-loss model', () => {
  it('prices bodily injury at claims per driving hour times yen per claim', () => {
    // 0.6% of owner cars a year over 400 driving hours, twice as often in a carshare: 3 in 100,000 hours; 1.8M yen each.
    expect(expectedLossPerDrivingHour(model, 'bodilyInjury', 'small')).toBeCloseTo(54, 6);
    expect(expectedLossPerDrivingHour(model, 'bodilyInjury', 'kei')).toBeCloseTo(48.6, 6);
  });

  it('charges the lower deductible more, and never more than the mean claim', () => {
    const full = severityYen(model, 'vehicleDamageFull', 'small');
    const standard = severityYen(model, 'vehicleDamageStandard', 'small');
    expect(full).toBeGreaterThan(standard);
    expect(full).toBeLessThan(2_500_000 * 0.12);
    // 300,000 x exp(-100,000 / 300,000)
    expect(standard).toBeCloseTo(214_959.6, 0);
  });

  it('reads a day as the driving hours of 1 / exposure(1 h): a one-hour booking drives its hour', () => {
    expect(drivingHoursPerDay(corrected.data.exposure)).toBeCloseTo(1 / 0.2805, 6);
  });

  it('loads the pure premium as the engine does: safety margin, then the ratios, then the fee', () => {
    expect(grossFromPure(1000, corrected.data.loadings)).toBeCloseTo((1000 * 1.1) / 0.599 + 30, 6);
  });
});

describe('reference book', { timeout: 60_000 }, () => {
  it('is the same bookings on every run, and every booking is one the product covers', () => {
    expect(referenceBook()).toEqual(book);
    expect(book).toHaveLength(4000);
    const now = new Date('2026-12-10T09:00:00+09:00');
    expect(book.filter((b) => eligibilityReasons(b.request, corrected.data, { now }).length > 0)).toEqual([]);
  });

  it('holds every plan, category and the young and old drivers the age factors are about', () => {
    for (const plan of ['liability', 'standard', 'full']) expect(book.some((b) => b.request.plan === plan)).toBe(true);
    for (const category of ['ordinary', 'small', 'kei']) expect(book.some((b) => b.request.vehicle.category === category)).toBe(true);
    expect(book.some((b) => b.request.driver.age <= 20)).toBe(true);
    expect(book.some((b) => b.request.driver.age >= 70)).toBe(true);
  });
});

// Rating the 4,000-booking book takes a second or two alone and longer on a busy machine.
describe('rate level of kc-carshare-2026-12', { timeout: 60_000 }, () => {
  const cells = deriveBaseRates(model, corrected, book);
  const check = rateLevelCheck(model, corrected, book);

  it('carries the base rates the model derives for its relativities (rerun npm run rate-level when a factor changes)', () => {
    const derived = basePerDayOf(cells);
    const base = corrected.data.basePerDay;
    for (const [category, coverages] of Object.entries(derived.byCategory)) {
      for (const [coverage, yen] of Object.entries(coverages)) {
        expect({ category, coverage, yen: base.byCategory[category as 'kei'][coverage as 'bodilyInjury'] }).toEqual({ category, coverage, yen });
      }
    }
    expect(base.roadAssistancePerDay).toBe(derived.roadAssistancePerDay);
  });

  it('charges the reference book its expected loss on every coverage (off-balance applied)', () => {
    for (const line of check.coverages) {
      expect({ coverage: line.key, ratio: Number((line.charged / line.indicated).toFixed(2)) }).toEqual({ coverage: line.key, ratio: 1 });
    }
  });

  it('charges each plan at least the indicated premium, and only the minimum premium and rounding more', () => {
    for (const line of check.plans) {
      expect(line.charged).toBeGreaterThanOrEqual(line.indicated * 0.99);
      expect(line.charged).toBeLessThan(line.indicated * 1.1);
    }
  });

  it('shows the launch tariff far from the indicated rate on vehicle damage (the reason for the correction)', () => {
    const launch = rateLevelCheck(model, tariffs.byVersion('kc-carshare-2026-10'), book).coverages;
    const full = launch.find((l) => l.key === 'vehicleDamageFull');
    expect(full && full.charged / full.indicated).toBeGreaterThan(2);
  });
});
