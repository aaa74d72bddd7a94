import { z } from 'zod';

const percentRow = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const coverage = z.enum(['bodilyInjury', 'propertyDamage', 'personalInjury', 'vehicleDamageStandard', 'vehicleDamageFull', 'roadAssistance']);
export type Coverage = z.infer<typeof coverage>;
const category = z.enum(['ordinary', 'small', 'kei']);
export type VehicleCategory = z.infer<typeof category>;
const byCoverage = z.object({
  bodilyInjury: z.number().positive(),
  propertyDamage: z.number().positive(),
  personalInjury: z.number().positive(),
  vehicleDamageStandard: z.number().positive(),
  vehicleDamageFull: z.number().positive(),
});

/** A tariff file: every figure the engine uses, each group with the source that justifies it. */
export const tariffSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /**
   * The id of a version this one replaces from its own effective instant: the replaced version
   * is no longer picked for new cover, but stays resolvable by its version string for the
   * policies bound under it.
   */
  supersedes: z.string().regex(/^[a-z0-9-]+$/).optional(),
  effectiveFrom: z.iso.datetime({ offset: true }),
  currency: z.literal('JPY'),
  note: z.string(),
  plans: z.record(
    z.enum(['liability', 'standard', 'full']),
    z.object({ label: z.string(), coverages: z.array(coverage).min(1), deductibleYen: z.number().int().nullable() }),
  ),
  basePerDay: z.object({ byCategory: z.record(category, byCoverage), roadAssistancePerDay: z.number().positive(), source: z.string() }),
  exposure: z.object({
    stepMinutes: z.number().int().positive(),
    minimumMinutes: z.number().int().positive(),
    maximumMinutes: z.number().int().positive(),
    firstDayExponent: z.number().gt(0).lt(1),
    laterDayRates: z.array(z.number().positive().max(1)).length(6),
    source: z.string(),
  }),
  modelRatingClass: z.object({
    classes: z.record(category, z.number().int().positive()),
    neutralClass: z.record(category, z.number().int().positive()),
    perClassStep: byCoverage,
    source: z.string(),
  }),
  vehicleAge: z.object({
    source: z.string(),
    bands: z.array(z.number().int()).length(10),
    passengerGrade6S: z.array(percentRow).length(10),
    passengerOther: z.array(percentRow).length(10),
    keiOther: z.array(percentRow).length(10),
  }),
  driverAge: z.object({ bands: z.array(z.tuple([z.number().int(), z.number().int(), z.number().positive()])), maxSpread: z.number(), source: z.string() }),
  grade: z.object({
    noAccident: z.array(z.number()).length(20),
    withAccidentFrom7: z.array(z.number()).length(14),
    newContract6S: z.number(),
    weight: z.number().min(0).max(1),
    source: z.string(),
  }),
  licence: z.object({ gold: z.number(), blue: z.number(), green: z.number(), source: z.string() }),
  eco: z.object({ factor: z.number(), source: z.string() }),
  asv: z.object({ factor: z.number(), maxVehicleAgeMonths: z.number().int(), source: z.string() }),
  trust: z.object({ neutralScore: z.number(), slopePerPoint: z.number(), credibility: z.number().min(0).max(1), source: z.string() }),
  telematics: z.object({ neutralScore: z.number(), slopePerPoint: z.number(), fullCredibilityKm: z.number().positive(), source: z.string() }),
  platformClaims: z.object({ perClaim: z.number(), maxClaims: z.number().int(), source: z.string() }),
  factorCap: z.object({ floor: z.number().positive(), ceiling: z.number().positive(), source: z.string() }),
  loadings: z.object({
    safetyMargin: z.number().min(0),
    expenseRatio: z.number().min(0),
    claimHandlingRatio: z.number().min(0),
    profitRatio: z.number().min(0),
    policyFeeYen: z.number().int().min(0),
    minimumPremiumYen: z.number().int().min(0),
    roundUpToYen: z.number().int().positive(),
    source: z.string(),
  }),
  refunds: z.object({
    earlyEnd: z.object({ minimumBookedMinutes: z.number().int(), feeYen: z.number().int().min(0) }),
    cancellationBeforeStart: z.literal('full'),
    noShow: z.object({ feeYen: z.number().int().min(0) }),
    lateReturn: z.object({ stepMinutes: z.number().int().positive() }),
    source: z.string(),
  }),
});
export type TariffData = z.infer<typeof tariffSchema>;
