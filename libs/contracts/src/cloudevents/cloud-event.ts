import { z } from 'zod';

/** An RFC 3339 instant that carries its zone (`Z` or `+09:00`); naive local times are refused. */
export const instantSchema = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant with a zone offset' });

/** Identifiers partners choose: printable, bounded, safe in URLs, keys and logs. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -');

/**
 * CloudEvents 1.0 structured-mode JSON envelope (https://cloudevents.io). Every message on the
 * platform's Kafka topics is one of these, with `data` validated by the type's own schema.
 */
export function cloudEventSchema<T extends string, D extends z.ZodType>(types: readonly [T, ...T[]], data: D) {
  return z.object({
    /** CloudEvents version; always "1.0". */
    specversion: z.literal('1.0'),
    /** Unique per producer (`source`); consumers de-duplicate on (source, id). */
    id: identifierSchema,
    /** Who produced the event, e.g. `partner/demo` or `kuruma/policy`. */
    source: z.string().min(1).max(256),
    /** Event type, e.g. `booking.confirmed`. */
    type: z.enum(types),
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
