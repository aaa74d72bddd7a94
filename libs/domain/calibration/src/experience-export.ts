import { CLAIM_COVERAGES, type ExperienceInterval } from './experience';
import type { ExperienceIntervalRow } from './experience-rows';

/** A column of the exported data set: its name, its Parquet type and one-line meaning (the data dictionary). */
export interface ExportColumn {
  name: string;
  type: 'STRING' | 'DOUBLE' | 'INT32' | 'TIMESTAMP';
  meaning: string;
}

const RAW: ExportColumn[] = [
  { name: 'policy_id', type: 'STRING', meaning: 'policy (one covered interval)' },
  { name: 'partner_id', type: 'STRING', meaning: 'carshare partner' },
  { name: 'plan', type: 'STRING', meaning: 'liability | standard | full' },
  { name: 'tariff_version', type: 'STRING', meaning: 'tariff version the cover was bound under' },
  { name: 'cover_start', type: 'TIMESTAMP', meaning: 'cover start (UTC instant)' },
  { name: 'cover_end', type: 'TIMESTAMP', meaning: 'cover end after every endorsement (UTC instant)' },
  { name: 'exposure_days', type: 'DOUBLE', meaning: 'earned exposure in days (covered minutes / 1440)' },
  { name: 'booked_minutes', type: 'DOUBLE', meaning: 'booked length in minutes' },
  { name: 'endorsements', type: 'INT32', meaning: 'extensions, late-return steps, early ends' },
  { name: 'net_premium_yen', type: 'INT32', meaning: 'premium less refunds (integer yen)' },
  { name: 'driver_age', type: 'INT32', meaning: 'driver age at quote' },
  { name: 'grade', type: 'INT32', meaning: 'claim-free grade 1-20, empty when not given' },
  { name: 'licence_colour', type: 'STRING', meaning: 'gold | blue | green' },
  { name: 'vehicle_category', type: 'STRING', meaning: 'ordinary | small | kei' },
  { name: 'model_rating_class', type: 'INT32', meaning: 'model rating class' },
  { name: 'vehicle_age_months', type: 'INT32', meaning: 'months since first registration at cover start (Japan time)' },
  { name: 'value_yen', type: 'DOUBLE', meaning: 'vehicle value, empty when not given' },
  { name: 'region', type: 'STRING', meaning: 'region when the booking carries one' },
  { name: 'driving_score', type: 'DOUBLE', meaning: 'telematics score the booking was priced with (0-100), empty when none' },
  { name: 'driving_score_source', type: 'STRING', meaning: 'platform (trip summaries from the car) | partner | unknown (pricing record past retention or erased)' },
];

const BANDS = ['ageBand', 'licence', 'gradeBand', 'vehicleClass', 'vehicleAgeBand', 'valueBand', 'hourBand', 'weekdayBand', 'durationBand'];

/** The exported columns: raw inputs, the calibration's bands, and claims per coverage. */
export const EXPERIENCE_EXPORT_COLUMNS: readonly ExportColumn[] = [
  ...RAW,
  ...BANDS.map((b): ExportColumn => ({ name: `band_${b}`, type: 'STRING', meaning: `the calibration's ${b} (libs/domain/calibration experience.ts)` })),
  ...CLAIM_COVERAGES.flatMap((c): ExportColumn[] => [
    { name: `claims_${c.replace(/-/g, '_')}`, type: 'INT32', meaning: `claims on ${c} (withdrawn claims not counted)` },
    { name: `incurred_yen_${c.replace(/-/g, '_')}`, type: 'DOUBLE', meaning: `incurred on ${c} (yen), split by initial reserve shares` },
  ]),
];

export type ExportCell = string | number | Date | null;

/** One export row per interval (rows and intervals in the same order, as experienceIntervalsOf returns them). */
export function experienceExportRows(rows: readonly ExperienceIntervalRow[], intervals: readonly ExperienceInterval[]): Record<string, ExportCell>[] {
  return rows.map((r, i) => {
    const interval = intervals[i] as ExperienceInterval;
    const out: Record<string, ExportCell> = {
      policy_id: r.policyId,
      partner_id: r.partnerId,
      plan: r.plan,
      tariff_version: r.tariffVersion,
      cover_start: r.coverStart,
      cover_end: r.coverEnd,
      exposure_days: interval.exposureDays,
      booked_minutes: r.bookedMinutes,
      endorsements: r.endorsements,
      net_premium_yen: r.premiumYen - r.refundYen,
      driver_age: r.driverAge,
      grade: r.grade,
      licence_colour: r.licenceColour,
      vehicle_category: r.vehicleCategory,
      model_rating_class: r.modelRatingClass,
      vehicle_age_months: r.vehicleAgeMonths,
      value_yen: r.valueYen,
      region: r.region,
      driving_score: r.drivingScore,
      driving_score_source: r.drivingScoreSource,
    };
    for (const b of BANDS) out[`band_${b}`] = interval.levels[b] ?? null;
    for (const c of CLAIM_COVERAGES) {
      out[`claims_${c.replace(/-/g, '_')}`] = interval.claims[c]?.count ?? 0;
      out[`incurred_yen_${c.replace(/-/g, '_')}`] = interval.claims[c]?.incurredYen ?? 0;
    }
    return out;
  });
}
