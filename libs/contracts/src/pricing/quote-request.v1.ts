import { z } from 'zod';
import { identifierSchema, instantSchema } from '../cloudevents/cloud-event';
import { storableStrings } from '../text/storable-text';

/** Cover is bought for trips: a start more than this far ahead is a typo or a probe, not a booking. */
const MAX_COVER_LEAD_DAYS = 366;
const EARLIEST_COVER = Date.parse('2000-01-01T00:00:00Z');

/**
 * An instant of cover: a zoned ISO-8601 instant between 2000 and {@link MAX_COVER_LEAD_DAYS} days
 * from now. Dates centuries ahead parsed, priced and reached the database before. The bound moves
 * only forward with the clock, so an event valid when sent stays valid when replayed later.
 */
export const coverInstantSchema = instantSchema.refine(
  (v) => {
    const at = Date.parse(v);
    return at >= EARLIEST_COVER && at <= Date.now() + MAX_COVER_LEAD_DAYS * 86_400_000;
  },
  { message: `must be between 2000-01-01 and ${MAX_COVER_LEAD_DAYS} days from now` },
);

/** A month of first registration, YYYY-MM, from 1900 up to next year (no year 0000). */
const registrationMonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
  .refine((v) => {
    const year = Number(v.slice(0, 4));
    return year >= 1900 && year <= new Date().getUTCFullYear() + 1;
  }, 'must be a year from 1900 to next year');

/**
 * The highest vehicle value the product insures (the top of its value bands): vehicle damage is
 * paid up to a finite agreed value, and a value beyond it is refused here, naming the field.
 */
export const MAX_INSURED_VEHICLE_VALUE_YEN = 10_000_000;

/** The vehicle being driven: only what pricing and eligibility need. */
const quoteVehicleV1Schema = z.object({
  /** The partner's vehicle id. */
  vehicleId: identifierSchema,
  /** Private passenger car class: ordinary (3-number plate), small (5-number) or kei. */
  category: z.string().min(1).max(32),
  /** Model rating class (1-17 for ordinary/small, 1-7 for kei), per the rating organisation. */
  modelRatingClass: z.number().int(),
  /** Month of first registration, YYYY-MM. */
  firstRegistration: registrationMonthSchema,
  /** Hybrid, EV or CNG vehicle. */
  eco: z.boolean(),
  /** Fitted with automatic emergency braking (ASV). */
  asv: z.boolean(),
  /** Plate classification number, e.g. "300"; 8, 80-89 and 800-899 are special-purpose. */
  plateClassification: z.string().regex(/^\d{1,3}$/, 'must be 1-3 digits'),
  /** fleet (operator-owned) or peer (a private owner lends it). */
  ownership: z.enum(['fleet', 'peer']),
  /** Pseudonymous id of the owner, for peer cars; cover is refused when the driver owns the car (kept as driverId is). */
  ownerDriverId: identifierSchema
    .describe(
      "Your opaque reference of the car's owner, for peer cars, in the same scheme as driver.driverId: cover is refused when the driver owns the car. Like driverId, the platform keeps only its keyed pseudonym of it.",
    )
    .optional(),
  /** A rental car (refused: rental cars carry their own cover). */
  rental: z.boolean(),
  /**
   * The vehicle's value in integer yen (what it would cost to replace): selects its value band,
   * which sets the vehicle-damage premium and agreed value. Optional; absent means the tariff's
   * default band (see the quote's `cover.vehicleValue`). At most 10,000,000 yen.
   */
  valueYen: z
    .number()
    .int()
    .min(1)
    .max(MAX_INSURED_VEHICLE_VALUE_YEN)
    .describe(
      "The vehicle's value in integer yen: selects its value band, which sets the vehicle-damage premium and the agreed value vehicle damage pays up to. Optional: without it the tariff's default band applies (1,000,001-3,000,000 yen from kc-carshare-2026-12). Above 10,000,000 yen the request is refused naming this field.",
    )
    .optional(),
});

/** The driver: pseudonymous; no names, addresses or licence numbers. */
const quoteDriverV1Schema = z.object({
  /** Pseudonymous driver id from the partner: kept only as the platform's keyed pseudonym of it. */
  driverId: identifierSchema.describe(
    "Your own opaque reference for the driver (never a name or licence number). The platform does not keep it: booking-ingest replaces it at acceptance by the driver's pseudonym at your partner id (HMAC-SHA256 under the platform's key, base64url, 43 characters), and that pseudonym is the `driverId` policies and claims return. Only the platform holds the key; the insurer's ops console finds a driver's policies by your reference, and a deletion request names it.",
  ),
  /** Age in whole years at the start of cover. */
  age: z.number().int().min(0).max(120),
  /** Licence colour: gold (no violations for 5 years), blue, green (new driver). */
  licenceColour: z.enum(['gold', 'blue', 'green']),
  /** Claim-free grade 1-20 from the driver's own motor policy; absent means new (6S). */
  grade: z.number().int().min(1).max(20).optional(),
  /** Years left of the accident coefficient (0-6) in that policy. */
  accidentCoefficientYears: z.number().int().min(0).max(6).optional(),
  /** The partner's trust score 0-100 for this driver. */
  trustScore: z.number().min(0).max(100).optional(),
  /** Telematics driving score 0-100 and the kilometres it is based on. */
  telematics: z.object({ score: z.number().min(0).max(100), km: z.number().min(0) }).optional(),
  /**
   * The driver agreed that the platform scores their driving from the car's trip summaries. With
   * it, the platform's own driving score for this driver (when it has trips) replaces `telematics`;
   * without it (absent or false), the platform keeps none of their trips and prices without it.
   */
  drivingDataConsent: z
    .boolean()
    .describe(
      "The driver agreed that the platform scores their driving from the car's trip summaries (devices/{deviceId}/trip). With it, the platform's own driving score for this driver replaces `telematics` once it has trips; absent or false: their trips are not kept and the price uses no platform driving score.",
    )
    .optional(),
});

/** The fields of a quote request, which booking events extend (they check storability as a whole). */
export const quoteRequestFieldsV1Schema = z
  .object({
    /** The partner's booking id. */
    bookingId: identifierSchema,
    /** The partner (checked against the authenticated partner). */
    partnerId: identifierSchema,
    /** Start of cover, ISO-8601 with zone; from 2000 to a year ahead. */
    startsAt: coverInstantSchema,
    /** End of cover, ISO-8601 with zone; from 2000 to a year ahead. */
    endsAt: coverInstantSchema,
    /** liability, standard or full. */
    plan: z.enum(['liability', 'standard', 'full']),
    vehicle: quoteVehicleV1Schema,
    driver: quoteDriverV1Schema,
  })
  .refine((r) => Date.parse(r.endsAt) > Date.parse(r.startsAt), { path: ['endsAt'], message: 'must be after startsAt' });

/** A request for per-use cover: one booking of one vehicle by one driver. */
export const quoteRequestV1Schema = storableStrings(quoteRequestFieldsV1Schema);
export type QuoteRequestV1 = z.infer<typeof quoteRequestV1Schema>;
