import type { z } from 'zod';

/**
 * Text Postgres cannot keep: U+0000 (text and jsonb refuse it: SQLSTATE 22021 / 22P05) and
 * unpaired UTF-16 surrogates (not encodable as UTF-8; node-postgres would silently store U+FFFD
 * instead, and jsonb refuses the escaped form). Either one accepted at the edge failed its insert
 * for ever further down the pipeline, so every inbound contract refuses it at the schema.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

const UNSTORABLE_TEXT_MESSAGE = 'must not contain U+0000 (NUL) or an unpaired surrogate';

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/**
 * The same text made storable, for what we write about bad input (dead-letter reasons, logs):
 * NUL spelled out as `\u0000`, unpaired surrogates replaced by U+FFFD.
 */
export const toStorableText = (text: string): string =>
  text.replace(UNSTORABLE_ALL, (c) => (c === '\u0000' ? '\\u0000' : '\ufffd'));

/** Paths of every string (values and object keys) in a parsed value that Postgres could not store. */
export function unstorablePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorablePaths(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...(isStorableText(key) ? [] : [[...path, key]]), ...unstorablePaths(item, [...path, key])]);
  }
  return [];
}

/**
 * Whether any string (value or key) at any depth is unstorable: the common answer, no, without
 * building a path for every node (unstorablePaths allocates arrays at each level, which on the
 * consumers' hot path was 2-4 % of their CPU and a share of their garbage collection).
 */
export function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasUnstorableText(item)) return true;
    return false;
  }
  for (const key in value) {
    if (UNSTORABLE.test(key) || hasUnstorableText((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * One refinement for a whole inbound contract rather than a copy on each string field: every
 * string of the parsed value, at any depth and in fields added later, is checked, and each
 * offending one is reported by its path (`data.vehicle.category`), which the HTTP problem and the
 * dead-letter reason name. Apply it to the outermost schema only (nested use reports twice).
 */
export function storableStrings<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    if (!hasUnstorableText(value)) return;
    for (const path of unstorablePaths(value)) ctx.addIssue({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE });
  }) as T;
}
