import { z } from 'zod';
import { storableStrings } from '../text/storable-text';
import { identifierSchema, instantSchema } from '../cloudevents/cloud-event';

/** Cover never runs past 7 days (the product maximum), so neither does one trip of one booking. */
const MAX_TRIP_MS = 7 * 86_400_000;
/** 7 days at 250 km/h: a distance beyond it is a sensor or unit error, not driving. */
const MAX_TRIP_METRES = 42_000_000;
/** A count no real trip reaches (one harsh event a second for a week is 604,800). */
const MAX_EVENT_COUNT = 604_800;

/**
 * Payload gateways publish at QoS 1 on `devices/{deviceId}/trip` when a booking's trip ends: what
 * the driving score is made of. Counts and durations only; no positions, no speeds, no driver.
 */
export const tripSummaryV1Schema = storableStrings(
  z
    .object({
      /** Unique per device; a resend with the same id is counted once. */
      tripId: identifierSchema,
      /** The partner's booking the trip was driven under (the same id as in its booking events). */
      bookingId: identifierSchema,
      /** When the trip started, ISO-8601 with zone. */
      startedAt: instantSchema,
      /** When it ended, ISO-8601 with zone; after startedAt and at most 7 days later. */
      endedAt: instantSchema,
      /** Distance driven in whole metres. */
      distanceMetres: z.number().int().min(0).max(MAX_TRIP_METRES),
      /** Decelerations the gateway classed as harsh braking (its own threshold, typically 0.3-0.4 g). */
      harshBrakingCount: z.number().int().min(0).max(MAX_EVENT_COUNT),
      /** Accelerations the gateway classed as harsh. */
      harshAccelerationCount: z.number().int().min(0).max(MAX_EVENT_COUNT),
      /** Seconds driven above the posted limit. */
      speedingSeconds: z.number().int().min(0).max(MAX_TRIP_MS / 1000),
      /** Minutes driven between 22:00 and 05:00 Japan time. */
      nightMinutes: z.number().int().min(0).max(MAX_TRIP_MS / 60_000),
    })
    .strict()
    .superRefine((trip, ctx) => {
      const duration = Date.parse(trip.endedAt) - Date.parse(trip.startedAt);
      if (!(duration > 0)) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must be after startedAt' });
      else if (duration > MAX_TRIP_MS) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must be at most 7 days after startedAt' });
      else {
        if (trip.speedingSeconds * 1000 > duration) ctx.addIssue({ code: 'custom', path: ['speedingSeconds'], message: 'must not exceed the trip duration' });
        if (trip.nightMinutes * 60_000 > duration) ctx.addIssue({ code: 'custom', path: ['nightMinutes'], message: 'must not exceed the trip duration' });
      }
    }),
);
export type TripSummaryV1 = z.infer<typeof tripSummaryV1Schema>;
