import { z } from 'zod';
import { bookingEventV1Schema } from './booking-event.v1';

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
  /** The partner's event, unchanged. */
  event: bookingEventV1Schema,
});
export type BookingAcceptedV1 = z.infer<typeof bookingAcceptedV1Schema>;
