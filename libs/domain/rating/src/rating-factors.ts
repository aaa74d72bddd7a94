import type { QuoteRequestV1 } from '@kuruma/contracts';
import type { Coverage, TariffData, VehicleCategory } from './tariff.schema';
import { toFactor4 } from './fixed-point';

type Driver = QuoteRequestV1['driver'];

/** Whole months from first registration (YYYY-MM) to the start of cover, in Japan time. */
export function vehicleAgeMonths(firstRegistration: string, coverStart: Date): number {
  const year = Number(firstRegistration.slice(0, 4));
  const month = Number(firstRegistration.slice(5, 7));
  const jst = new Date(coverStart.getTime() + 9 * 3_600_000);
  return (jst.getUTCFullYear() - year) * 12 + (jst.getUTCMonth() + 1 - month);
}

const AGE_COLUMN: Partial<Record<Coverage, number>> = {
  bodilyInjury: 0,
  propertyDamage: 1,
  personalInjury: 2,
  vehicleDamageStandard: 3,
  vehicleDamageFull: 3,
};

/** Per-coverage multiplier for the model rating class: one step per class from the neutral class. */
export function modelRatingClassFactor(t: TariffData, category: VehicleCategory, ratingClass: number, coverage: Coverage): number {
  if (coverage === 'roadAssistance') return 1;
  const step = t.modelRatingClass.perClassStep[coverage];
  return toFactor4(Math.pow(step, ratingClass - t.modelRatingClass.neutralClass[category]));
}

/**
 * Whether the vehicle-age discount comes from the 6(S) column. Before kc-carshare-2026-12 it did
 * for no grade or grade 6 without accident years, whatever the grade factor: at full weight next
 * to a grade at half weight, that let a better grade cost more (issue #17). From 2026-12 it does
 * for every grade whose table figure is no worse than the new-contract grade's.
 */
export function usesGrade6SColumn(t: TariffData, driver: Driver): boolean {
  if (t.vehicleAge.grade6SColumn) return gradePercent(t, driver) <= t.grade.newContract6S;
  return driver.grade === undefined || (driver.grade === 6 && !driver.accidentCoefficientYears);
}

/** Per-coverage vehicle-age discount from the 2026 tariff table (none after 121 months). */
export function vehicleAgeFactor(t: TariffData, category: VehicleCategory, months: number, grade6S: boolean, coverage: Coverage): number {
  const column = AGE_COLUMN[coverage];
  if (column === undefined) return 1;
  const band = t.vehicleAge.bands.findIndex((upper) => months <= upper);
  if (band < 0) return 1;
  const v = t.vehicleAge;
  // Versions without a kei 6(S) table gave kei cars the other-grades column whatever the grade.
  const table = category === 'kei' ? ((grade6S && v.keiGrade6S) || v.keiOther) : grade6S ? v.passengerGrade6S : v.passengerOther;
  return toFactor4(1 - table[band][column] / 100);
}

export function driverAgeFactor(t: TariffData, age: number): number {
  const band = t.driverAge.bands.find(([from, to]) => age >= from && age <= to);
  return band ? band[2] : t.driverAge.bands[t.driverAge.bands.length - 1][2];
}

const withAccidentYears = (driver: Driver): boolean => driver.grade !== undefined && driver.grade >= 7 && (driver.accidentCoefficientYears ?? 0) > 0;

/** The grade table's % change for the driver; no grade given means a new contract at 6(S). */
function gradePercent(t: TariffData, driver: Driver): number {
  if (driver.grade === undefined) return t.grade.newContract6S;
  return withAccidentYears(driver) ? t.grade.withAccidentFrom7[driver.grade - 7] : t.grade.noAccident[driver.grade - 1];
}

/** Claim-free grade, half-weighted: 1 + w * (table % / 100); no grade means a new contract at 6(S). */
export function gradeFactor(t: TariffData, driver: Driver): { factor: number; label: string } {
  const pct = gradePercent(t, driver);
  const label = driver.grade === undefined ? 'no grade given: new contract 6(S)' : `grade ${driver.grade}${withAccidentYears(driver) ? ' with accident years' : ''}`;
  return { factor: toFactor4(1 + (t.grade.weight * pct) / 100), label: `${label} (${pct > 0 ? '+' : ''}${pct}% at weight ${t.grade.weight})` };
}

export function trustFactor(t: TariffData, score: number | undefined): number {
  if (score === undefined) return 1;
  const raw = 1 + (t.trust.neutralScore - score) * t.trust.slopePerPoint;
  return toFactor4(1 + t.trust.credibility * (raw - 1));
}

/** Credibility Z = min(1, km / full-credibility km): little driving data keeps the factor near 1. */
export function telematicsFactor(t: TariffData, telematics: Driver['telematics']): { factor: number; credibility: number } {
  if (!telematics) return { factor: 1, credibility: 0 };
  const z = Math.min(1, telematics.km / t.telematics.fullCredibilityKm);
  const raw = 1 + (t.telematics.neutralScore - telematics.score) * t.telematics.slopePerPoint;
  return { factor: toFactor4(1 + z * (raw - 1)), credibility: toFactor4(z) };
}

export function platformClaimsFactor(t: TariffData, claims: number): number {
  return toFactor4(1 + t.platformClaims.perClaim * Math.min(Math.max(0, claims), t.platformClaims.maxClaims));
}
