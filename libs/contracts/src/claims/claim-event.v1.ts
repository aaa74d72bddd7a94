import { z } from 'zod';
import { cloudEventSchema, instantSchema, prefixedEventTypes } from '../cloudevents/cloud-event';

/** Claim event types (`com.kurumacover.` + name) the platform publishes on `insurance.claim-events.v1` (key = vehicleId). */
export const CLAIM_EVENT_TYPES = prefixedEventTypes([
  'claim.fnol-opened',
  'claim.signal-attached',
  'claim.confirmed',
  'claim.withdrawn',
  'incident.uncovered',
]);
export type ClaimEventType = (typeof CLAIM_EVENT_TYPES)[number];

const CLAIM_STATUSES = ['provisional', 'confirmed', 'withdrawn', 'closed'] as const;
const CLAIM_SEVERITIES = ['major', 'minor', 'theft', 'vandalism', 'security'] as const;

export const claimLocationSchema = z.object({
  /** WGS84 latitude in degrees. */
  lat: z.number().min(-90).max(90),
  /** WGS84 longitude in degrees. */
  lon: z.number().min(-180).max(180),
});

export const claimEventDataV1Schema = z.object({
  /** Platform claim id; null for an uncovered incident. */
  claimId: z.string().nullable(),
  /** Claim number for correspondence; null for an uncovered incident. */
  claimNumber: z.string().nullable(),
  /** Incident id when the signal was not a claim. */
  incidentId: z.string().optional(),
  /** Vehicle the signal came from. */
  vehicleId: z.string(),
  /** Device that sent the signal. */
  deviceId: z.string(),
  /**
   * Partner that owns the vehicle and registered the device: claims and incidents are scoped to it
   * (vehicle ids are per partner). Always set by this platform; readers may treat null as unknown.
   */
  partnerId: z.string().nullable(),
  /** Policy in force at `occurredAt`; null when uncovered. */
  policyId: z.string().nullable(),
  /** Policy number; null when uncovered. */
  policyNumber: z.string().nullable(),
  /** Booking covered by that policy; null when uncovered. */
  bookingId: z.string().nullable(),
  /** Claim status after this event. */
  status: z.enum([...CLAIM_STATUSES, 'uncovered']),
  /** major | minor crash, theft, vandalism, security. */
  severity: z.enum(CLAIM_SEVERITIES),
  /** Cause used to decide which coverages respond, e.g. `collision`, `theft`. */
  cause: z.string(),
  /** When the incident happened at the device, with zone. */
  occurredAt: instantSchema,
  /** Where, when the device knew. */
  location: claimLocationSchema.nullable(),
  /** Coverages of the plan that respond to this cause. */
  coverages: z.array(z.string()),
  /** Initial reserve in yen. */
  reserve: z.number().int(),
  /** Number of device signals attached to the claim so far. */
  signalCount: z.number().int(),
  /** Who confirmed or withdrew it (ops user, partner, or device score 0), when relevant. */
  actor: z.string().optional(),
});
export type ClaimEventDataV1 = z.infer<typeof claimEventDataV1Schema>;

export const claimEventV1Schema = cloudEventSchema(CLAIM_EVENT_TYPES, claimEventDataV1Schema);
export type ClaimEventV1 = z.infer<typeof claimEventV1Schema>;
