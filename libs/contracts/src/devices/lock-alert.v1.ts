import { z } from 'zod';
import { storableStrings } from '../text/storable-text';
import { identifierSchema, instantSchema } from '../cloudevents/cloud-event';
import { claimLocationSchema } from '../claims/claim-event.v1';

const LOCK_EVENT_KINDS = [
  'forced_entry',
  'tamper',
  'unlock_outside_booking',
  'invalid_access',
  'door_ajar',
  'locked',
  'unlocked',
] as const;

/** Payload devices publish at QoS 1 on `devices/{deviceId}/lock`. */
export const lockAlertV1Schema = storableStrings(
  z.object({
    /** Unique per device; a resend with the same id has no second effect. */
    eventId: identifierSchema,
    /** When it happened at the device, with zone. */
    occurredAt: instantSchema,
    /** What the smart lock saw. */
    kind: z.enum(LOCK_EVENT_KINDS),
    /** Where, WGS84. */
    location: claimLocationSchema.optional(),
  }),
);
export type LockAlertV1 = z.infer<typeof lockAlertV1Schema>;
