import { z } from 'zod';
import { CLAIM_EVENT_TYPES } from '../claims/claim-event.v1';
import { EVENT_TYPE_PREFIX, eventTypeSchema, instantSchema, type PrefixedEventType } from '../cloudevents/cloud-event';
import { POLICY_EVENT_TYPES } from '../policy/policy-event.v1';
import { storableStrings } from '../text/storable-text';

/** Sent to a partner's other endpoints when the platform disables one that kept failing. */
export const WEBHOOK_ENDPOINT_DISABLED: PrefixedEventType<'webhook.endpoint-disabled'> = `${EVENT_TYPE_PREFIX}webhook.endpoint-disabled`;

/** Every event type an endpoint may subscribe to: the policy and claim topics' types, and the disabling notice. */
export const WEBHOOK_EVENT_TYPES = [...POLICY_EVENT_TYPES, ...CLAIM_EVENT_TYPES, WEBHOOK_ENDPOINT_DISABLED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Longest receiver URL accepted (browsers' practical limit; longer is a mistake or an attack). */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

const eventTypesSchema = z
  // Legacy names (without the prefix) are accepted during the transition and stored as the prefixed ones.
  .array(eventTypeSchema(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'must not repeat a type');

/** Body of `POST /v1/webhook-endpoints`. */
export const webhookEndpointCreateV1Schema = storableStrings(
  z.strictObject({
    /** Where deliveries are POSTed: https (production), a public address; see docs/webhooks.md. */
    url: z.string().min(1).max(WEBHOOK_URL_MAX_LENGTH),
    /** The event types this endpoint receives. */
    eventTypes: eventTypesSchema,
    /** Whether deliveries are made (default true). */
    enabled: z.boolean().default(true),
  }),
);
export type WebhookEndpointCreateV1 = z.infer<typeof webhookEndpointCreateV1Schema>;

/** Body of `PATCH /v1/webhook-endpoints/{id}`: the fields to change. Enabling again clears a disabling. */
export const webhookEndpointPatchV1Schema = storableStrings(
  z
    .strictObject({
      url: z.string().min(1).max(WEBHOOK_URL_MAX_LENGTH).optional(),
      eventTypes: eventTypesSchema.optional(),
      enabled: z.boolean().optional(),
    })
    .refine((patch) => Object.keys(patch).length > 0, 'must change at least one of url, eventTypes, enabled'),
);
export type WebhookEndpointPatchV1 = z.infer<typeof webhookEndpointPatchV1Schema>;

/** Body of `POST /v1/webhook-endpoints/{id}/replay`: one event again, or every event since an instant. */
export const webhookReplayV1Schema = storableStrings(
  z.union([
    z.strictObject({
      /** The CloudEvent id (the `webhook-id` header) of the event to send again. */
      eventId: z.string().min(1).max(128),
    }),
    z.strictObject({
      /** Every subscribed event received since this instant (at most WEBHOOK_REPLAY_MAX events, oldest first). */
      since: instantSchema,
    }),
  ]),
);
export type WebhookReplayV1 = z.infer<typeof webhookReplayV1Schema>;

/** An endpoint as the API shows it (the secret only at creation and rotation). */
export const webhookEndpointV1Schema = z.object({
  /** Endpoint id (`we_...`). */
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  /** Why the platform disabled it; null when enabled or disabled by the partner. */
  disabledReason: z.string().nullable(),
  /** Since when deliveries have failed without a success in between; null while it answers. */
  failingSince: instantSchema.nullable(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
  /** Signing secret (`whsec_` + base64), only in the answers to creation and rotation. */
  secret: z.string().optional(),
  /** Until when deliveries are also signed with the previous secret (after a rotation). */
  previousSecretExpiresAt: instantSchema.nullable().optional(),
});
export type WebhookEndpointV1 = z.infer<typeof webhookEndpointV1Schema>;

/** One HTTP attempt of a delivery. */
export const webhookAttemptV1Schema = z.object({
  at: instantSchema,
  /** HTTP status the receiver answered; null when none came (refused, timed out, address refused). */
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});

/** One event's delivery to an endpoint, with its attempts (newest last). */
export const webhookDeliveryV1Schema = z.object({
  id: z.string(),
  /** The CloudEvent id, sent as `webhook-id`. */
  eventId: z.string(),
  eventType: z.string(),
  /** pending (to send or being retried), delivered (a 2xx answer), failed (the retry schedule ran out). */
  state: z.enum(['pending', 'delivered', 'failed']),
  /** True for a delivery made by a replay. */
  replay: z.boolean(),
  createdAt: instantSchema,
  deliveredAt: instantSchema.nullable(),
  nextAttemptAt: instantSchema.nullable(),
  attempts: z.array(webhookAttemptV1Schema),
});
export type WebhookDeliveryV1 = z.infer<typeof webhookDeliveryV1Schema>;

/** A page of a list, newest first; `nextCursor` (null on the last page) fetches the next one. */
export const webhookDeliveryPageV1Schema = z.object({ items: z.array(webhookDeliveryV1Schema), nextCursor: z.string().nullable() });
export type WebhookDeliveryPageV1 = z.infer<typeof webhookDeliveryPageV1Schema>;
export const webhookEndpointListV1Schema = z.object({ items: z.array(webhookEndpointV1Schema) });

/** Data of the `com.kurumacover.webhook.endpoint-disabled` CloudEvent. */
export interface WebhookEndpointDisabledDataV1 {
  partnerId: string;
  endpointId: string;
  url: string;
  failingSince: string;
  reason: string;
}
