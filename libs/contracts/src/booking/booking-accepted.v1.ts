import { z } from 'zod';
import { bookingEventV1Schema } from './booking-event.v1';

/** The driver's two pseudonyms, computed by booking-ingest from the partner's reference, which it then drops. */
export const acceptedDriverKeysV1Schema = z.object({
  /** HMAC of the partner and the reference: what every platform record of the driver carries. */
  driverKey: z.string().min(1),
  /** HMAC of the reference alone: links the driver across partners that opted in to sharing history. */
  sharedDriverKey: z.string().min(1),
});
export type AcceptedDriverKeysV1 = z.infer<typeof acceptedDriverKeysV1Schema>;

/**
 * Internal: a partner's booking event after authentication, de-duplication and ordering by
 * booking-ingest, on `kuruma.booking-accepted.v1`. `partnerId` is the authenticated partner.
 */
export const bookingAcceptedV1Schema = z.object({
  /** The authenticated partner (from the API key, signature or topic ACL), never from the body. */
  partnerId: z.string(),
  /** How ordering treated it: in sequence, or released after a gap timed out. */
  ordering: z.enum(['in-sequence', 'gap-timeout']),
  acceptedAt: z.string(),
  /**
   * The partner's event, with the driver's reference (`driver.driverId`, and the vehicle's
   * `ownerDriverId` where given) replaced by the driver's pseudonym at that partner
   * (`driverKeys.driverKey`): nothing downstream keeps the reference (docs/privacy.md).
   */
  event: bookingEventV1Schema,
  /**
   * The driver's pseudonyms. Optional so records accepted before ingest pseudonymised still
   * parse: those carry the partner's reference in the event, and pricing hashes it itself.
   */
  driverKeys: acceptedDriverKeysV1Schema.optional(),
});
export type BookingAcceptedV1 = z.infer<typeof bookingAcceptedV1Schema>;
