import { randomFillSync } from 'node:crypto';
import { parseTraceParent } from '@opentelemetry/core';

/** W3C Trace Context: the header names on HTTP, the Kafka record headers and the MQTT v5 user properties. */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/**
 * Longest traceparent looked at: version 00 is exactly 55 characters, and a later version may
 * append fields (the spec asks parsers to accept those), but not kilobytes of them. Anything
 * longer is treated as absent rather than run through the parser.
 */
const MAX_TRACEPARENT_CHARS = 256;
/** The spec lets a vendor drop a tracestate over 512 characters; we drop it rather than forward it. */
const MAX_TRACESTATE_CHARS = 512;

/** The parent a record, message or request names: its trace, the span that sent it, and whether that trace is sampled. */
export interface ParentTrace {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** The trace headers a record or request travels on with (what `outgoing` returns). */
export type TraceHeaders = {
  traceparent: string;
  tracestate?: string;
};

/**
 * The trace context `value` names, or null when there is none or it is malformed or oversized:
 * hostile input starts a new trace, it is never an error (and never a dead letter). Parsing is
 * OpenTelemetry's W3C parser (@opentelemetry/core), so what we accept is what the propagator does.
 */
export function readTraceparent(value: unknown): ParentTrace | null {
  if (typeof value !== 'string' || value.length > MAX_TRACEPARENT_CHARS) return null;
  return parseTraceParent(value);
}

/** `value` when it is a tracestate fit to forward with a valid traceparent, otherwise undefined. */
export function readTracestate(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TRACESTATE_CHARS ? value : undefined;
}

/**
 * Random ids from a pooled buffer refilled 4 KiB at a time: one randomFillSync per 512 span ids
 * instead of one crypto call each, on a path that runs per record.
 */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const start = poolOffset;
    poolOffset += bytes;
    // An all-zero id is invalid in W3C Trace Context; it comes once in 2^64 draws, but draw again.
    for (let i = start; i < start + bytes; i++) if (pool[i] !== 0) return pool.toString('hex', start, start + bytes);
  }
}

export const newSpanId = (): string => randomHex(8);
export const newTraceId = (): string => randomHex(16);

/** `00-<trace>-<span>-<flags>`, with only the sampled flag kept (the one version 00 defines). */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${traceFlags & 1 ? '01' : '00'}`;
}

/**
 * The trace headers for what a record, message or request causes downstream, without a span
 * recorder: the same trace with a new span id for this hop, or a new (sampled) trace when `headers`
 * carry none or a malformed one. A tracestate travels on only with a valid traceparent.
 */
export function childTraceHeaders(headers: Readonly<Record<string, string | string[] | undefined>> | null | undefined): TraceHeaders {
  const parent = readTraceparent(headers?.[TRACEPARENT]);
  if (!parent) return { traceparent: formatTraceparent(newTraceId(), newSpanId(), 1) };
  const tracestate = readTracestate(headers?.[TRACESTATE]);
  const traceparent = formatTraceparent(parent.traceId, newSpanId(), parent.traceFlags);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The trace id in a traceparent we wrote or accepted (for log lines), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.slice(3, 35);
}
