import type { Coverage, TariffData, VehicleCategory } from '../tariff.schema';
import { exposureFactor } from '../exposure';

/** One input of the expected-loss model with where it comes from (seed-citations.ts format). */
export interface CitedFigure {
  value: number;
  source: string;
}

/**
 * Frequency and severity of one coverage. Frequencies start from an owner car's claims per
 * car-year, turned into claims per driving hour by the owner's driving hours per year and then
 * scaled by the carsharing multiplier; severity is yen per claim.
 */
export interface CoverageLossInput {
  ownerClaimsPerYear: CitedFigure;
  /** Yen per claim; vehicle damage has none: its mean claim comes from the car's value instead. */
  severityYen?: CitedFigure;
  /** Vehicle damage only: the deductible of the plan that carries the coverage. */
  deductibleYen?: CitedFigure;
}

/** The expected-loss model: every figure the indicated base rate is computed from. */
export interface ExpectedLossModel {
  ownerDrivingHoursPerYear: CitedFigure;
  carshareMultiplier: CitedFigure;
  /** Liability and personal-injury severity by category (1 = ordinary and small). */
  categorySeverity: Record<VehicleCategory, CitedFigure>;
  /** Typical sum insured by category: vehicle-damage claims scale with it. */
  vehicleValueYen: Record<VehicleCategory, CitedFigure>;
  /** Mean ground-up vehicle-damage claim as a share of the vehicle's value. */
  vehicleMeanClaimShare: CitedFigure;
  coverages: Record<Coverage, CoverageLossInput>;
}

/** Claims per driving hour of a carshare booking for one coverage. */
export function claimsPerDrivingHour(model: ExpectedLossModel, coverage: Coverage): number {
  const c = model.coverages[coverage];
  const multiplier = coverage === 'roadAssistance' ? 1 : model.carshareMultiplier.value;
  return (c.ownerClaimsPerYear.value / model.ownerDrivingHoursPerYear.value) * multiplier;
}

/**
 * Yen paid per claim. Vehicle damage: ground-up claims taken as exponential with mean m (a share
 * of the car's value), so what is paid above a deductible d is E[(X - d)+] / P(X > d) = m per
 * paying claim, at a frequency of P(X > d) = exp(-d / m) of ground-up claims; returned here as
 * the expected payment per ground-up claim, m * exp(-d / m).
 */
export function severityYen(model: ExpectedLossModel, coverage: Coverage, category: VehicleCategory): number {
  const c = model.coverages[coverage];
  if (c.deductibleYen) {
    const mean = model.vehicleValueYen[category].value * model.vehicleMeanClaimShare.value;
    return mean * Math.exp(-c.deductibleYen.value / mean);
  }
  const severity = c.severityYen?.value ?? 0;
  return coverage === 'roadAssistance' ? severity : severity * model.categorySeverity[category].value;
}

/** Expected loss (pure premium) per driving hour: frequency x severity, in yen (not rounded). */
export function expectedLossPerDrivingHour(model: ExpectedLossModel, coverage: Coverage, category: VehicleCategory): number {
  return claimsPerDrivingHour(model, coverage) * severityYen(model, coverage, category);
}

/**
 * Driving hours in a 24-hour booking. The exposure curve says what share of a day's price a
 * booking of h hours pays; read as a share of driving time, and with a one-hour booking driven
 * for its whole hour (assumption), a day holds 1 / exposure(1 h) driving hours.
 */
export function drivingHoursPerDay(exposure: TariffData['exposure']): number {
  return 1 / exposureFactor(60, exposure);
}

/** Driving hours in a booking billed for `billedMinutes`: the day's hours times its exposure. */
export function drivingHoursOf(billedMinutes: number, exposure: TariffData['exposure']): number {
  return drivingHoursPerDay(exposure) * exposureFactor(billedMinutes, exposure);
}
