import { z } from 'zod';

/** Whom or what a limit is counted against, as the policy wording says it. */
const limitBasis = z.enum(['victim', 'accident', 'occupant', 'person']);

const bandRow = z.object({ id: z.string().min(1), upToYen: z.number().int().positive(), vehicleDamageFactor: z.number().positive() });
type VehicleValueBandRow = z.infer<typeof bandRow>;
const ascends = (lower: VehicleValueBandRow, higher: VehicleValueBandRow) => higher.upToYen > lower.upToYen && higher.vehicleDamageFactor >= lower.vehicleDamageFactor;

/**
 * Sum-insured bands for vehicle damage. A band's `upToYen` is both the highest vehicle value it
 * takes and the agreed value vehicle damage pays up to: the premium is priced for that sum.
 */
export const vehicleValueBandsSchema = z
  .object({
    /** The band used when the booking does not say what the vehicle is worth. */
    defaultBandId: z.string().min(1),
    bands: z.array(bandRow).min(1),
    source: z.string(),
  })
  .refine((v) => v.bands.some((b) => b.id === v.defaultBandId), { path: ['defaultBandId'], message: 'must name one of the bands' })
  // Ascending values and factors: a higher value band may never cost less for vehicle damage.
  .refine((v) => v.bands.every((b, i) => i === 0 || ascends(v.bands[i - 1] as VehicleValueBandRow, b)), {
    path: ['bands'],
    message: 'must ascend by upToYen with non-decreasing vehicleDamageFactor',
  });
export type VehicleValueBands = z.infer<typeof vehicleValueBandsSchema>;
export type VehicleValueBand = VehicleValueBands['bands'][number];

const sublimit = z.object({ label: z.string(), limitYen: z.number().int().positive(), per: limitBasis });
/** One coverage's limit: unlimited, a yen amount, or (vehicle damage) the band's agreed value. */
const coverageLimit = z.object({
  label: z.string(),
  limit: z.union([z.literal('unlimited'), z.literal('agreed-value'), z.number().int().positive()]),
  per: limitBasis,
  /** What the coverage pays for, in a sentence a driver understands. */
  covers: z.string(),
  sublimits: z.array(sublimit).optional(),
  source: z.string(),
});
export const coverageLimitsSchema = z.object({
  bodilyInjury: coverageLimit,
  propertyDamage: coverageLimit,
  personalInjury: coverageLimit,
  vehicleDamage: coverageLimit,
  roadAssistance: coverageLimit,
});
export type CoverageLimits = z.infer<typeof coverageLimitsSchema>;

export const exclusionSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string(),
  /** Coverages it applies to, or `all`. */
  appliesTo: z.union([z.literal('all'), z.array(z.enum(['bodilyInjury', 'propertyDamage', 'personalInjury', 'vehicleDamage', 'roadAssistance'])).min(1)]),
  source: z.string(),
});
