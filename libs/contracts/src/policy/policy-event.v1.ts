import { z } from 'zod';
import { cloudEventSchema, instantSchema, prefixedEventTypes } from '../cloudevents/cloud-event';

/**
 * Policy event types (`com.kurumacover.` + name) the platform publishes on `insurance.policy-events.v1` (key = bookingId).
 * `com.kurumacover.policy.cover-limit-reached`: cover has reached the product maximum (7 days from its start); it
 * is sent before the cover ends (when a booking is bound to the maximum, when an extension asks
 * for more, or when the late-return extension reaches it), and the booking is not insured after
 * `coverEnd`. Consumers that do not know a type should ignore it.
 */
export const POLICY_EVENT_TYPES = prefixedEventTypes([
  'policy.bound',
  'policy.extended',
  'policy.ended',
  'policy.cancelled',
  'policy.declined',
  'policy.cover-limit-reached',
]);
export type PolicyEventType = (typeof POLICY_EVENT_TYPES)[number];

const POLICY_STATUSES = ['bound', 'active', 'ended', 'cancelled', 'declined'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

const declineReasonItemSchema = z.object({
  /** Machine-readable reason, e.g. `driver-underage`. */
  code: z.string(),
  /** Human-readable explanation. */
  message: z.string(),
});

const policyEventDataV1Schema = z.object({
  /** The partner's booking this cover follows. */
  bookingId: z.string(),
  /** Platform policy id; null only for a declined booking. */
  policyId: z.string().nullable(),
  /** Policy number printed on the certificate; null only for a declined booking. */
  policyNumber: z.string().nullable(),
  /** The partner the booking belongs to. */
  partnerId: z.string(),
  /** Policy status after this event. */
  status: z.enum(POLICY_STATUSES),
  /** Plan bought: liability, standard or full. */
  plan: z.string(),
  /** Vehicle covered. */
  vehicleId: z.string(),
  /** Start of cover, to the minute, with zone; null when declined. */
  coverStart: instantSchema.nullable(),
  /** End of cover, to the minute, with zone; null when declined. */
  coverEnd: instantSchema.nullable(),
  /** Total premium charged so far in yen (integer, no consumption tax). */
  premium: z.number().int(),
  /** Premium change this event caused in yen (extension premium; 0 otherwise). */
  premiumDelta: z.number().int(),
  /** Refund this event gives, in yen. */
  refund: z.number().int(),
  /** Tariff version the price came from. */
  tariffVersion: z.string().nullable(),
  /** Why the change happened, e.g. `late-return`, `early-end`, `cancelled-before-start`, `no-show`, `maximum-duration`. */
  reason: z.string().optional(),
  /** Decline reasons when status is declined. */
  reasons: z.array(declineReasonItemSchema).optional(),
  /** The booking event that caused this policy event. */
  causationId: z.string(),
});
export type PolicyEventDataV1 = z.infer<typeof policyEventDataV1Schema>;

export const policyEventV1Schema = cloudEventSchema(POLICY_EVENT_TYPES, policyEventDataV1Schema);
export type PolicyEventV1 = z.infer<typeof policyEventV1Schema>;
