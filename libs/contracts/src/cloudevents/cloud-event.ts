import { z } from 'zod';
import { CLOUDEVENT_STRUCTURED_CONTENT_TYPE, RecordHeaders } from '../record-headers';

/** An RFC 3339 instant that carries its zone (`Z` or `+09:00`); naive local times are refused. */
export const instantSchema = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant with a zone offset' });

/** Identifiers partners choose: printable, bounded, safe in URLs, keys and logs. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -');

/**
 * The reverse-DNS namespace of every event type the platform defines (the CloudEvents spec asks
 * `type` to be prefixed with one). `com.kurumacover.` is the project's own choice, made here once:
 * every type list below is built from it, so it cannot differ between contracts.
 */
export const EVENT_TYPE_PREFIX = 'com.kurumacover.';
export type EventTypePrefix = typeof EVENT_TYPE_PREFIX;
export type PrefixedEventType<N extends string> = `${EventTypePrefix}${N}`;

/**
 * Until when the names without the prefix (`booking.confirmed`) are still accepted on input
 * (docs/partner-api.md#event-types): partners' booking events, records already in the topics,
 * redriven dead letters and webhook subscriptions. The platform emits only prefixed names.
 */
export const LEGACY_EVENT_TYPES_ACCEPTED_UNTIL = '2027-06-30';

/** `booking.confirmed` -> `com.kurumacover.booking.confirmed`, for a list of the names without prefix. */
export function prefixedEventTypes<const N extends readonly [string, ...string[]]>(names: N): { [K in keyof N]: PrefixedEventType<N[K]> } {
  return names.map((name) => `${EVENT_TYPE_PREFIX}${name}`) as { [K in keyof N]: PrefixedEventType<N[K]> };
}

/**
 * An event type field that accepts the prefixed names and, during the transition, the same names
 * without the prefix, and always yields the prefixed one: code past the schema never sees a
 * legacy name. Anything else is refused naming the accepted types.
 */
export function eventTypeSchema<T extends string>(types: readonly [T, ...T[]]) {
  const legacy = types.map((t) => t.slice(EVENT_TYPE_PREFIX.length)) as [string, ...string[]];
  const expected = `must be one of ${types.join(', ')}`;
  return z.union(
    [
      z.enum(types),
      z
        .enum(legacy)
        .meta({ deprecated: true, description: `Legacy name without the ${EVENT_TYPE_PREFIX} prefix, accepted on input until ${LEGACY_EVENT_TYPES_ACCEPTED_UNTIL}.` })
        .transform((name) => `${EVENT_TYPE_PREFIX}${name}` as T),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `${expected} (got ${JSON.stringify(issue.input)})` : undefined) },
  );
}

/**
 * Kafka record header of every record whose value is a CloudEvent in structured mode (CloudEvents
 * Kafka protocol binding 3.3.1: `content-type` is the media type of the event format); SDKs read
 * the record as a structured-mode event from it. `datacontenttype` inside stays
 * `application/json`: it describes `data`, not the envelope.
 */
export const CLOUDEVENT_RECORD_HEADERS: Readonly<Record<typeof RecordHeaders.contentType, string>> = Object.freeze({
  [RecordHeaders.contentType]: CLOUDEVENT_STRUCTURED_CONTENT_TYPE,
});

/**
 * Header of the internal records that are plain JSON, not CloudEvents (`kuruma.booking-accepted.v1`
 * and `kuruma.booking-priced.v1` wrap a partner's CloudEvent with what ingest and pricing added):
 * an SDK reading `application/json` does not mistake them for a structured-mode event.
 */
export const JSON_RECORD_HEADERS: Readonly<Record<typeof RecordHeaders.contentType, string>> = Object.freeze({ [RecordHeaders.contentType]: 'application/json' });

/**
 * CloudEvents 1.0 structured-mode JSON envelope (https://cloudevents.io). Every message on the
 * platform's public Kafka topics is one of these, with `data` validated by the type's own schema.
 * `types` are the prefixed names; their legacy names are accepted too (see eventTypeSchema).
 */
export function cloudEventSchema<T extends string, D extends z.ZodType>(types: readonly [T, ...T[]], data: D) {
  return z.object({
    /** CloudEvents version; always "1.0". */
    specversion: z.literal('1.0'),
    /** Unique per producer (`source`); consumers de-duplicate on (source, id). */
    id: identifierSchema,
    /** Who produced the event, e.g. `partner/demo` or `kuruma/policy`. */
    source: z.string().min(1).max(256),
    /** Event type, e.g. `com.kurumacover.booking.confirmed` (legacy `booking.confirmed` accepted until LEGACY_EVENT_TYPES_ACCEPTED_UNTIL). */
    type: eventTypeSchema(types),
    /** The aggregate the event is about (bookingId, policyId, claimId). */
    subject: z.string().min(1).max(256).optional(),
    /** When the event happened at the producer, with zone. */
    time: instantSchema.optional(),
    /** Always application/json for structured mode. */
    datacontenttype: z.literal('application/json').optional(),
    /** URI of the schema `data` follows. */
    dataschema: z.string().optional(),
    /** The event payload. */
    data,
  });
}

export interface CloudEvent<T extends string = string, D = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  subject?: string;
  time?: string;
  datacontenttype?: 'application/json';
  dataschema?: string;
  data: D;
}

/** Builds an envelope for an event the platform itself emits. */
export function makeCloudEvent<T extends string, D>(input: {
  id: string;
  source: string;
  type: T;
  subject: string;
  time: string;
  data: D;
  dataschema?: string;
}): CloudEvent<T, D> {
  return {
    specversion: '1.0',
    id: input.id,
    source: input.source,
    type: input.type,
    subject: input.subject,
    time: input.time,
    datacontenttype: 'application/json',
    ...(input.dataschema ? { dataschema: input.dataschema } : {}),
    data: input.data,
  };
}
