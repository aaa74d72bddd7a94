import { z } from 'zod';
import { coverScheduleV1Schema } from './cover-schedule.v1';
import { DECLINE_CODES } from './decline-reason.v1';

/** One step of the premium calculation; `amount` is the running figure after the step. */
const breakdownStepV1Schema = z.object({
  /** Stable step code, e.g. `base`, `exposure`, `driver-age`, `rounding`. */
  code: z.string(),
  /** Human-readable explanation of the step. */
  label: z.string(),
  /** Multiplier applied (null for additive steps). */
  factor: z.number().nullable(),
  /** Yen added (additive steps only). */
  addend: z.number().optional(),
  /** Running amount in yen after this step (two decimals; the last equals the premium). */
  amount: z.number(),
  /** Where the figure comes from (table and source document). */
  source: z.string().optional(),
});
export type BreakdownStepV1 = z.infer<typeof breakdownStepV1Schema>;

const quotedV1Schema = z.object({
  status: z.literal('quoted'),
  /** Premium in integer yen, no consumption tax. */
  premium: z.number().int(),
  currency: z.literal('JPY'),
  /** Tariff id and content hash that produced the price. */
  tariffVersion: z.string(),
  /** Deterministic id of this quote (same inputs and tariff give the same id). */
  quoteId: z.string(),
  /** Cover start, ISO-8601 with +09:00. */
  coverStart: z.string(),
  /** Cover end, ISO-8601 with +09:00. */
  coverEnd: z.string(),
  /** Minutes billed: the booked minutes in 15-minute steps, at least 60. */
  billedMinutes: z.number().int(),
  breakdown: z.array(breakdownStepV1Schema),
  /**
   * What the cover pays: each coverage's limit and deductible, the vehicle's value band and the
   * exclusions. Present on `POST /v1/quotes` answers; left out of the copies the platform passes
   * between services (the policy derives it again from the tariff version and the request).
   */
  cover: coverScheduleV1Schema
    .describe("What the cover pays: each coverage's limit and deductible, the vehicle's value band and the exclusions, from the quote's tariff version")
    .optional(),
});

const declinedV1Schema = z.object({
  status: z.literal('declined'),
  /** Every reason the booking cannot be covered. */
  reasons: z.array(z.object({ code: z.enum(DECLINE_CODES), message: z.string() })).min(1),
  /** Tariff consulted, when one applied. */
  tariffVersion: z.string().optional(),
});

export const quoteV1Schema = z.discriminatedUnion('status', [quotedV1Schema, declinedV1Schema]);
export type QuoteV1 = z.infer<typeof quoteV1Schema>;
export type QuotedV1 = z.infer<typeof quotedV1Schema>;
export type DeclinedV1 = z.infer<typeof declinedV1Schema>;
