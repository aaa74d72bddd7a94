import type { RatingVariable } from './calibrate-coverage';
import { DRIVER_AGE_BANDS, type ExperienceInterval } from './experience';

/**
 * The variables the calibration fits. The driving score (issue #21 step 4) is in the data set but
 * not here until it is populated; region only when bookings carry one.
 */
const FIXED_VARIABLES: readonly RatingVariable[] = [
  { name: 'ageBand', levels: DRIVER_AGE_BANDS, base: '30-39' },
  { name: 'licence', levels: ['gold', 'blue', 'green'], base: 'blue' },
  { name: 'gradeBand', levels: ['none', '1-5', '6-9', '10-15', '16-20'], base: 'none' },
  { name: 'vehicleClass', levels: ['ordinary', 'small', 'kei'], base: 'ordinary' },
  { name: 'vehicleAgeBand', levels: ['0-13m', '14-37m', '38-61m', '62-121m', '122m+'], base: '38-61m' },
  { name: 'valueBand', levels: ['up-to-1m', '1m-3m', '3m-5m', '5m-7.5m', '7.5m-10m'], base: '1m-3m', coverages: ['vehicle-damage'] },
  { name: 'plan', levels: ['standard', 'full'], base: 'standard', coverages: ['vehicle-damage'] },
  { name: 'hourBand', levels: ['night', 'morning', 'daytime', 'evening'], base: 'daytime' },
  { name: 'weekdayBand', levels: ['weekday', 'weekend'], base: 'weekday' },
  { name: 'durationBand', levels: ['up-to-3h', '3h-12h', '12h-24h', '1d-3d', 'over-3d'], base: '3h-12h' },
];

/**
 * Variables the law or the insurer's own rules forbid as rating variables (assumption: Japan has no
 * statute listing them for motor, but sex, nationality, creed, social status and family origin are
 * the grounds of Article 14 of the Constitution and of the FSA's supervisory guidelines on unfair
 * discrimination; health and disability are sensitive personal data under APPI Art. 2(3)).
 */
export const PROHIBITED_RATING_VARIABLES = ['sex', 'gender', 'nationality', 'religion', 'creed', 'race', 'ethnicity', 'socialStatus', 'familyOrigin', 'disability', 'health'] as const;

/** The fitted variables for a data set: the fixed ones, plus partner and region levels found in it. */
export function ratingVariablesFor(experience: readonly ExperienceInterval[]): RatingVariable[] {
  const counts = (name: string) => {
    const byLevel = new Map<string, number>();
    for (const e of experience) byLevel.set(e.levels[name] ?? '', (byLevel.get(e.levels[name] ?? '') ?? 0) + e.exposureDays);
    return [...byLevel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const dynamic: RatingVariable[] = [];
  for (const name of ['partner', 'region']) {
    const levels = counts(name);
    // The level with the most exposure is the base: its relativity is the best measured.
    if (levels.length > 1) dynamic.push({ name, levels: levels.map(([l]) => l), base: (levels[0] as [string, number])[0] });
  }
  return [...FIXED_VARIABLES, ...dynamic];
}
