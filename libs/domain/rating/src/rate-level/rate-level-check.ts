import type { Coverage, TariffData, VehicleCategory } from '../tariff.schema';
import type { Tariff } from '../tariff-registry';
import { computePremium } from '../price-quote';
import { billableMinutes } from '../exposure';
import { drivingHoursOf, drivingHoursPerDay, expectedLossPerDrivingHour, type ExpectedLossModel } from './expected-loss';
import type { ReferenceBooking } from './reference-book';

const CATEGORIES: readonly VehicleCategory[] = ['ordinary', 'small', 'kei'];

/** Premium = pure x (1 + safety margin) / (1 - expenses - claim handling - profit) + policy fee. */
export function grossFromPure(pureYen: number, loadings: TariffData['loadings']): number {
  return (pureYen * (1 + loadings.safetyMargin)) / (1 - loadings.expenseRatio - loadings.claimHandlingRatio - loadings.profitRatio) + loadings.policyFeeYen;
}

/** The tariff with every plan covering just `coverage`: the engine then rates that coverage alone. */
function singleCoverageTariff(tariff: Tariff, coverage: Coverage, basePerDay?: TariffData['basePerDay']): Tariff {
  const plans = Object.fromEntries(Object.entries(tariff.data.plans).map(([id, plan]) => [id, { ...plan, coverages: [coverage] }])) as TariffData['plans'];
  return { ...tariff, data: { ...tariff.data, plans, basePerDay: basePerDay ?? tariff.data.basePerDay } };
}

/** The risk-rated pure premium in yen: the engine's running amount before the safety margin. */
function ratedPure(tariff: Tariff, booking: ReferenceBooking): number {
  const start = new Date(booking.request.startsAt);
  const { breakdown } = computePremium(booking.request, tariff, start, new Date(booking.request.endsAt), { platformClaims: booking.platformClaims, omitSources: true });
  const before = breakdown[breakdown.findIndex((s) => s.code === 'safety-margin') - 1];
  if (!before) throw new Error('the engine no longer has a safety-margin step');
  return before.amount;
}

const bookedMinutes = (b: ReferenceBooking) => Math.round((Date.parse(b.request.endsAt) - Date.parse(b.request.startsAt)) / 60_000);
const coveragesOf = (t: TariffData): Coverage[] => [...new Set(Object.values(t.plans).flatMap((p) => p.coverages))];

/** Expected loss of one booking on one coverage: loss per driving hour x its driving hours. */
export function bookingExpectedLoss(model: ExpectedLossModel, tariff: TariffData, booking: ReferenceBooking, coverage: Coverage): number {
  const category = booking.request.vehicle.category as VehicleCategory;
  return expectedLossPerDrivingHour(model, coverage, category) * drivingHoursOf(billableMinutes(bookedMinutes(booking), tariff.exposure), tariff.exposure);
}

export interface BaseRateCell {
  coverage: Coverage;
  category: VehicleCategory;
  lossPerDrivingHour: number;
  /** Loss per driving hour x driving hours in a day: the base if every relativity averaged 1. */
  indicatedPerDay: number;
  /** The coverage's off-balance: what its relativities charge the book over what it indicates. */
  offBalance: number;
  /** indicatedPerDay / offBalance, to 0.1 yen (whole yen would move a 23-yen base by 2%). */
  balancedPerDay: number;
}

/**
 * The base rates the model indicates for `tariff`'s relativities. Each coverage is rated on the
 * bookings that buy it with the unbalanced base (expected loss per day, by category); the
 * off-balance factor is what the relativities then charge over the expected loss, and dividing
 * the base by it makes the book's rated pure premium equal its expected loss. One factor per
 * coverage, not per category: the relativities are about drivers and cars, the same in every
 * category, and a pooled factor is not moved by the few bookings of one cell.
 */
export function deriveBaseRates(model: ExpectedLossModel, tariff: Tariff, book: readonly ReferenceBooking[]): BaseRateCell[] {
  const t = tariff.data;
  const hoursPerDay = drivingHoursPerDay(t.exposure);
  const indicatedPerDay = (coverage: Coverage, category: VehicleCategory) => expectedLossPerDrivingHour(model, coverage, category) * hoursPerDay;
  const unbalanced: TariffData['basePerDay'] = {
    ...t.basePerDay,
    byCategory: Object.fromEntries(
      CATEGORIES.map((k) => [
        k,
        {
          bodilyInjury: indicatedPerDay('bodilyInjury', k),
          propertyDamage: indicatedPerDay('propertyDamage', k),
          personalInjury: indicatedPerDay('personalInjury', k),
          vehicleDamageStandard: indicatedPerDay('vehicleDamageStandard', k),
          vehicleDamageFull: indicatedPerDay('vehicleDamageFull', k),
        },
      ]),
    ) as TariffData['basePerDay']['byCategory'],
    roadAssistancePerDay: indicatedPerDay('roadAssistance', 'small'),
  };
  return coveragesOf(t).flatMap((coverage) => {
    const rated = singleCoverageTariff(tariff, coverage, unbalanced);
    let charged = 0;
    let indicated = 0;
    for (const booking of book) {
      // Balanced on the bookings that buy the coverage: plans draw different mixes of drivers.
      if (!t.plans[booking.request.plan].coverages.includes(coverage)) continue;
      charged += ratedPure(rated, booking);
      indicated += bookingExpectedLoss(model, t, booking, coverage);
    }
    if (!(indicated > 0)) throw new Error(`no booking of the book buys ${coverage}: its base cannot be balanced`);
    const offBalance = charged / indicated;
    return CATEGORIES.map((category) => {
      const perDay = indicatedPerDay(coverage, category);
      return {
        coverage,
        category,
        lossPerDrivingHour: expectedLossPerDrivingHour(model, coverage, category),
        indicatedPerDay: perDay,
        offBalance,
        balancedPerDay: Math.round((perDay / offBalance) * 10) / 10,
      };
    });
  });
}

/** The balanced cells as the tariff's `basePerDay` figures (road assistance: one figure, the same loss everywhere). */
export function basePerDayOf(cells: readonly BaseRateCell[]): { byCategory: Record<VehicleCategory, Record<string, number>>; roadAssistancePerDay: number } {
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, {}])) as Record<VehicleCategory, Record<string, number>>;
  let roadAssistancePerDay = 0;
  for (const cell of cells) {
    if (cell.coverage === 'roadAssistance') roadAssistancePerDay = cell.balancedPerDay;
    else byCategory[cell.category][cell.coverage] = cell.balancedPerDay;
  }
  return { byCategory, roadAssistancePerDay };
}

export interface RateLevelLine {
  /** A coverage (pure premium) or a plan (premium charged). */
  key: string;
  bookings: number;
  /** What the expected-loss model indicates for these bookings, in yen. */
  indicated: number;
  /** What the tariff charges them, in yen. */
  charged: number;
}

/**
 * Indicated against charged for a book under a tariff: per coverage (over every plan that buys
 * it, and within each plan) the rated pure premium against the expected loss; per plan the premium charged against the indicated premium (the
 * expected loss with `loadings`, by default the tariff's own; the minimum premium, rounding and
 * the plans' different driver mixes are the difference).
 */
export function rateLevelCheck(
  model: ExpectedLossModel,
  tariff: Tariff,
  book: readonly ReferenceBooking[],
  loadings: TariffData['loadings'] = tariff.data.loadings,
): { coverages: RateLevelLine[]; planCoverages: RateLevelLine[]; plans: RateLevelLine[] } {
  const t = tariff.data;
  const planCoverage = new Map<string, RateLevelLine>();
  const coverages: RateLevelLine[] = coveragesOf(t).map((coverage) => {
    const single = singleCoverageTariff(tariff, coverage);
    const line = { key: coverage, bookings: 0, indicated: 0, charged: 0 };
    for (const booking of book) {
      if (!t.plans[booking.request.plan].coverages.includes(coverage)) continue;
      const indicated = bookingExpectedLoss(model, t, booking, coverage);
      const charged = ratedPure(single, booking);
      const key = `${booking.request.plan} ${coverage}`;
      const inPlan = planCoverage.get(key) ?? { key, bookings: 0, indicated: 0, charged: 0 };
      for (const l of [line, inPlan]) {
        l.bookings++;
        l.indicated += indicated;
        l.charged += charged;
      }
      planCoverage.set(key, inPlan);
    }
    return line;
  });
  const plans = new Map<string, RateLevelLine>();
  for (const booking of book) {
    const plan = booking.request.plan;
    const line = plans.get(plan) ?? { key: plan, bookings: 0, indicated: 0, charged: 0 };
    const pure = t.plans[plan].coverages.reduce((s, c) => s + bookingExpectedLoss(model, t, booking, c), 0);
    const start = new Date(booking.request.startsAt);
    line.bookings++;
    line.indicated += grossFromPure(pure, loadings);
    line.charged += computePremium(booking.request, tariff, start, new Date(booking.request.endsAt), { platformClaims: booking.platformClaims, omitSources: true }).premium;
    plans.set(plan, line);
  }
  return { coverages, planCoverages: [...planCoverage.values()].sort((a, b) => a.key.localeCompare(b.key)), plans: [...plans.values()] };
}
