import { z } from 'zod';

/** Whom or what a limit is counted against. */
const limitBasisV1Schema = z.enum(['victim', 'accident', 'occupant', 'person']);

/** One coverage of the plan bought: what it pays at most and what the insured pays first. */
const coverageTermsV1Schema = z.object({
  /** Coverage code, e.g. `bodilyInjury`, `vehicleDamageStandard`, `roadAssistance`. */
  coverage: z.string(),
  /** Its name as the certificate prints it. */
  label: z.string(),
  /** Most paid: `unlimited` or integer yen; absent when the tariff version predates the limits schedule. */
  limit: z.union([z.literal('unlimited'), z.number().int().positive()]).optional(),
  /** What the limit counts against: per victim, per accident, per occupant (driver and each passenger) or per person. */
  per: limitBasisV1Schema.optional(),
  /** What the coverage pays for. */
  covers: z.string().optional(),
  /** The insured's own share of each loss in integer yen (0: none). */
  deductibleYen: z.number().int().min(0),
  /** Smaller limits inside the coverage (road assistance: lodging, onward travel). */
  sublimits: z.array(z.object({ label: z.string(), limitYen: z.number().int().positive(), per: limitBasisV1Schema })).optional(),
  /** Where the figures come from (seed file and section, or an assumption and its reason). */
  source: z.string().optional(),
});

/** Something the product never pays for. */
const exclusionV1Schema = z.object({
  /** Stable code, e.g. `earthquake-eruption-tsunami`. */
  code: z.string(),
  label: z.string(),
  /** Coverages it applies to (`vehicleDamage` stands for either plan's vehicle damage), or `all`. */
  appliesTo: z.union([z.literal('all'), z.array(z.string())]),
  source: z.string().optional(),
});

/** The vehicle's value band: it sets the vehicle-damage premium and the agreed value paid up to. */
const vehicleValueV1Schema = z.object({
  /** Band id, e.g. `1m-3m`. */
  band: z.string(),
  /** Vehicle damage pays up to this many yen (the top of the band). */
  agreedValueYen: z.number().int().positive(),
  /** The value the booking gave, when it gave one. */
  declaredValueYen: z.number().int().positive().optional(),
  /** True when the booking gave no value and the tariff's default band applied. */
  defaulted: z.boolean(),
});

/**
 * What the cover pays: each coverage's limit and deductible and the exclusions, fixed by the
 * tariff version, the plan and the vehicle's value band.
 */
export const coverScheduleV1Schema = z.object({
  /**
   * `tariff-limits`: the tariff version defines every limit. `predates-limits-schedule`: the
   * version came before limits were part of the tariff; only the plan's deductibles are stated.
   */
  basis: z.enum(['tariff-limits', 'predates-limits-schedule']),
  /** A sentence for the reader when the basis needs one. */
  note: z.string().optional(),
  vehicleValue: vehicleValueV1Schema.optional(),
  coverages: z.array(coverageTermsV1Schema),
  exclusions: z.array(exclusionV1Schema),
});
export type CoverScheduleV1 = z.infer<typeof coverScheduleV1Schema>;
export type CoverageTermsV1 = z.infer<typeof coverageTermsV1Schema>;
