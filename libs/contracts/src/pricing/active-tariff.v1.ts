import { z } from 'zod';

/**
 * `GET /v1/tariffs/active`: the public part of the tariff in force, what a partner shows its
 * drivers before booking (plans, what they cover, deductibles, billing and refund rules). The
 * rate tables stay with the insurer; every quote still carries its own breakdown.
 */
export const activeTariffV1Schema = z.object({
  /** `id@hash12` of the version in force now: the same string quotes and policies carry. */
  tariffVersion: z.string(),
  /** The tariff's name, e.g. `kc-carshare-2027-01`. */
  tariffId: z.string(),
  /** The instant from which this version applies to cover starting then or later, in Japan time. */
  effectiveFrom: z.string(),
  /** The next version already scheduled, if any: from that instant quotes carry it instead. */
  next: z.object({ tariffVersion: z.string(), effectiveFrom: z.string() }).optional(),
  /** Always JPY; premiums are whole yen. */
  currency: z.literal('JPY'),
  /** The plans a booking may choose, with the coverages each includes and its vehicle-damage deductible in yen (null when none). */
  plans: z.array(z.object({ plan: z.string(), label: z.string(), coverages: z.array(z.string()), deductibleYen: z.number().int().nullable() })),
  /** How booked minutes are billed: in steps of `stepMinutes`, at least `minimumMinutes`; longer than `maximumMinutes` is declined. */
  billing: z.object({ stepMinutes: z.number().int(), minimumMinutes: z.number().int(), maximumMinutes: z.number().int(), minimumPremiumYen: z.number().int(), policyFeeYen: z.number().int() }),
  /** Refund and fee rules for changes to bound cover. */
  refunds: z.object({
    /** Early end: bookings of at least this many minutes get the unused part back less `feeYen`. */
    earlyEnd: z.object({ minimumBookedMinutes: z.number().int(), feeYen: z.number().int() }),
    /** Cancellation before the cover starts: the whole premium back. */
    cancellationBeforeStart: z.literal('full'),
    /** No-show: the premium back less this fee. */
    noShow: z.object({ feeYen: z.number().int() }),
    /** Late return: cover extends automatically in steps of this many minutes. */
    lateReturn: z.object({ stepMinutes: z.number().int() }),
  }),
});
export type ActiveTariffV1 = z.infer<typeof activeTariffV1Schema>;
