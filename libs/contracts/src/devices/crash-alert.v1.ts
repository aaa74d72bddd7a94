import { z } from 'zod';
import { storableStrings } from '../text/storable-text';
import { identifierSchema, instantSchema } from '../cloudevents/cloud-event';
import { claimLocationSchema } from '../claims/claim-event.v1';

/** Payload devices publish at QoS 1 on `devices/{deviceId}/crash`. */
export const crashAlertV1Schema = storableStrings(
  z.object({
    /** Unique per device; a resend with the same id has no second effect. */
    eventId: identifierSchema,
    /** When the device measured it, with zone. */
    occurredAt: instantSchema,
    /** Peak horizontal acceleration in g, sqrt(x^2 + y^2). */
    peakG: z.number().min(0).max(100),
    /** Speed change in km/h over the impact window. */
    deltaVKmh: z.number().min(0).max(400).optional(),
    /** Speed before the impact, km/h. */
    speedKmh: z.number().min(0).max(400).optional(),
    /** Roll angle in degrees; beyond 60 is a rollover. */
    rolloverDeg: z.number().min(0).max(360).optional(),
    /** Detector's own confidence. */
    confidence: z.enum(['high', 'low']).optional(),
    /** Detector score 0-100; a later 0 for the same accident withdraws it. */
    score: z.number().min(0).max(100).optional(),
    /** Detector's accident id; signals with the same id belong to one accident. */
    accidentId: identifierSchema.optional(),
    /** Where, WGS84. */
    location: claimLocationSchema.optional(),
  }),
);
export type CrashAlertV1 = z.infer<typeof crashAlertV1Schema>;
