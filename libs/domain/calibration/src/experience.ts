/**
 * One covered interval of the experience data set: a bound policy's cover (with its endorsements
 * applied), the rating variables it was written with, its exposure and its claims per coverage.
 * Read from the `experience_interval` and `experience_claim` views (migration
 * 20261201221303_experience_data_set) or produced by the experience simulator.
 */
export const CLAIM_COVERAGES = ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage', 'road-assistance'] as const;
export type ClaimCoverage = (typeof CLAIM_COVERAGES)[number];

/** Which coverages each plan exposes (the claims side's names; libs/domain/claims fnol-assessment). */
export const PLAN_CLAIM_COVERAGES: Record<string, readonly ClaimCoverage[]> = {
  liability: ['bodily-injury-liability', 'property-damage-liability'],
  standard: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage'],
  full: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage', 'road-assistance'],
};

export interface CoverageExperience {
  /** Claims on this coverage (withdrawn claims count 0). */
  count: number;
  /** Incurred yen (case reserves plus payments, as developed so far). */
  incurredYen: number;
}

/** The banded rating variables the calibration fits, by name. */
export type RatingLevels = Record<string, string>;

export interface ExperienceInterval {
  policyId: string;
  /** Cover start, epoch ms (the period and hold-out split use it). */
  coverStartMs: number;
  /** Earned exposure in days (covered minutes / 1440). */
  exposureDays: number;
  plan: string;
  levels: RatingLevels;
  /** The telematics score the interval was priced with (the platform's or the partner's): kept, not fitted yet. */
  drivingScore: number | null;
  claims: Partial<Record<ClaimCoverage, CoverageExperience>>;
}

/** Bands of the raw rating inputs. The driver-age bands are the tariff's, so the fit maps onto it. */
export const DRIVER_AGE_BANDS = ['18-20', '21-23', '24-29', '30-39', '40-49', '50-59', '60-69', '70-74', '75-79', '80-120'] as const;

export function driverAgeBand(age: number): string {
  for (const band of DRIVER_AGE_BANDS) {
    const [from, to] = band.split('-').map(Number) as [number, number];
    if (age >= from && age <= to) return band;
  }
  return age < 18 ? '18-20' : '80-120';
}

/** Claim-free grade groups: penalty grades, around the new-contract grade, and long claim-free. */
export function gradeBand(grade: number | null): string {
  if (grade === null) return 'none';
  if (grade <= 5) return '1-5';
  if (grade <= 9) return '6-9';
  if (grade <= 15) return '10-15';
  return '16-20';
}

/** Months since first registration, in the groups of the tariff's vehicle-age table. */
export function vehicleAgeBand(months: number): string {
  if (months <= 13) return '0-13m';
  if (months <= 37) return '14-37m';
  if (months <= 61) return '38-61m';
  if (months <= 121) return '62-121m';
  return '122m+';
}

/** The tariff's vehicle value bands (seed 002 §1-1 item 5); no value given is the neutral band. */
export function valueBand(valueYen: number | null): string {
  if (valueYen === null) return '1m-3m';
  if (valueYen <= 1_000_000) return 'up-to-1m';
  if (valueYen <= 3_000_000) return '1m-3m';
  if (valueYen <= 5_000_000) return '3m-5m';
  if (valueYen <= 7_500_000) return '5m-7.5m';
  return '7.5m-10m';
}

/** Hour of the cover start in Japan time (0-23). */
export function hourBand(japanHour: number): string {
  if (japanHour >= 22 || japanHour <= 5) return 'night';
  if (japanHour <= 9) return 'morning';
  if (japanHour <= 16) return 'daytime';
  return 'evening';
}

/** ISO weekday of the cover start in Japan time (1 Monday .. 7 Sunday). */
export function weekdayBand(isoWeekday: number): string {
  return isoWeekday >= 6 ? 'weekend' : 'weekday';
}

export function durationBand(bookedMinutes: number): string {
  if (bookedMinutes <= 180) return 'up-to-3h';
  if (bookedMinutes <= 720) return '3h-12h';
  if (bookedMinutes <= 1440) return '12h-24h';
  if (bookedMinutes <= 4320) return '1d-3d';
  return 'over-3d';
}

/** Japan hour and ISO weekday of an instant (Japan has no daylight saving time: UTC+9 always). */
export function japanClock(epochMs: number): { hour: number; isoWeekday: number } {
  const jst = new Date(epochMs + 9 * 3_600_000);
  const day = jst.getUTCDay();
  return { hour: jst.getUTCHours(), isoWeekday: day === 0 ? 7 : day };
}

/** The raw rating inputs of one interval, as the data set stores them. */
export interface RawRatingInputs {
  driverAge: number;
  grade: number | null;
  licenceColour: string;
  vehicleCategory: string;
  vehicleAgeMonths: number;
  valueYen: number | null;
  plan: string;
  coverStartMs: number;
  bookedMinutes: number;
  partnerId: string;
  region: string | null;
}

/** Every banded variable of one interval (the one place raw inputs become levels). */
export function ratingLevels(raw: RawRatingInputs): RatingLevels {
  const clock = japanClock(raw.coverStartMs);
  return {
    ageBand: driverAgeBand(raw.driverAge),
    licence: raw.licenceColour,
    gradeBand: gradeBand(raw.grade),
    vehicleClass: raw.vehicleCategory,
    vehicleAgeBand: vehicleAgeBand(raw.vehicleAgeMonths),
    valueBand: valueBand(raw.valueYen),
    plan: raw.plan,
    hourBand: hourBand(clock.hour),
    weekdayBand: weekdayBand(clock.isoWeekday),
    durationBand: durationBand(raw.bookedMinutes),
    partner: raw.partnerId,
    region: raw.region ?? 'unknown',
  };
}
