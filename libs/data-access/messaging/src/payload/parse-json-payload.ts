import type { z } from 'zod';
import { describeZodError, toStorableText } from '@kuruma/contracts';

export type ParsedPayload = { ok: true; value: unknown } | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A Kafka record value or MQTT payload as JSON. JSON is UTF-8 (RFC 8259): invalid bytes are
 * refused here rather than decoded to U+FFFD, which would accept an altered event whose original
 * no one could recover. The reason is storable text (a parser message may quote the input).
 */
export function parseJsonPayload(value: Buffer | null | undefined): ParsedPayload {
  if (!value || value.length === 0) return { ok: false, reason: 'invalid-json: empty payload' };
  let text: string;
  try {
    text = strictUtf8.decode(value);
  } catch {
    return { ok: false, reason: 'invalid-utf8: the payload is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: toStorableText(`invalid-json: ${(error as Error).message}`).slice(0, 1_000) };
  }
}

/** `json` is the document as sent, for a check on a field the contract leaves out. */
export type ParsedMessage<T> = { ok: true; value: T; json: unknown } | { ok: false; reason: string };

/** A payload parsed strictly and validated against its contract; the refusal says why and where. */
export function parseJsonMessage<S extends z.ZodType>(schema: S, value: Buffer | null | undefined): ParsedMessage<z.infer<S>> {
  const json = parseJsonPayload(value);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (result.success) return { ok: true, value: result.data, json: json.value };
  return { ok: false, reason: toStorableText(`schema-violation: ${describeZodError(result.error)}`) };
}
