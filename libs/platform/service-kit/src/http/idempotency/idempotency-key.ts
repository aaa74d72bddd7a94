import { createHash } from 'node:crypto';
import type { ProblemDetails } from '@kuruma/contracts';
import { headerOf, type HttpRequest } from '../http-request';
import { ProblemException } from '../problem.exception';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Printable ASCII without spaces, 1-255 characters (a UUID fits; so does anything a partner's own
 * retry queue makes). NUL, control characters and a second key folded into one header (Node joins
 * repeated unknown headers with ", ") are refused rather than stored under a surprising name.
 */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

const keyProblem = (message: string): ProblemException => ProblemException.badRequest(`invalid Idempotency-Key: ${message}`, [{ field: 'Idempotency-Key', message }]);

/** The request's Idempotency-Key, undefined without one; a malformed key is 400 naming the header. */
export function idempotencyKeyOf(req: HttpRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (Array.isArray(raw) && raw.length > 1) throw keyProblem('given more than once');
  const key = headerOf(req, IDEMPOTENCY_KEY_HEADER);
  if (key === undefined) return undefined;
  if (!KEY_SHAPE.test(key)) throw keyProblem('must be 1-255 printable ASCII characters without spaces');
  return key;
}

/** Sorted keys at every depth, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What makes two requests "the same" under one key: method, path with query, and the parsed body.
 * The path is part of it, so a key reused on another claim or another action is a different
 * request (422), never a replay of the first one's answer.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${url}\n${canonicalJson(body ?? null)}`).digest('base64url');
}

function keyRefusal(status: 409 | 422, slug: string, title: string, detail: string, message: string, headers: Record<string, string> = {}): ProblemException {
  const problem: ProblemDetails = { type: `https://kurumacover.dev/problems/${slug}`, title, status, detail, errors: [{ field: 'Idempotency-Key', message }] };
  return new ProblemException(problem, headers);
}

/** 422: the key was first used for another request; the stored answer belongs to that one. */
export function keyReusedProblem(): ProblemException {
  const detail = 'this Idempotency-Key was already used for a different request (method, path or body); use a new key for a new request';
  return keyRefusal(422, 'idempotency-key-reused', 'Idempotency-Key reused', detail, 'already used for a different request');
}

/** 409: the first request with this key has not answered yet; retry after it has. */
export function keyInFlightProblem(): ProblemException {
  const detail = 'a request with this Idempotency-Key is still being processed; retry it once that one has answered';
  return keyRefusal(409, 'idempotency-key-in-flight', 'Request with this Idempotency-Key in progress', detail, 'a request with this key is in progress', { 'Retry-After': '1' });
}
