/**
 * W3C Trace Context on every channel: a Kafka record header, an MQTT v5 user property, an HTTP
 * header. Optional everywhere: a record, message or request without one (or with a malformed or
 * oversized one, which is ignored, never refused) starts a new trace where it enters.
 */
export const TRACE_CONTEXT_MEANINGS = {
  traceparent:
    'Optional W3C Trace Context (`00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`). The platform continues this trace: every record it publishes because of this one carries the same trace id with its own span id. A malformed or oversized value is ignored (a new trace starts), never refused.',
  tracestate: 'Optional W3C vendor trace state, forwarded with a valid traceparent when at most 512 characters.',
} as const;

/** The answer header naming the trace and span that served an HTTP request (W3C Trace Context level 2). */
export const TRACERESPONSE_MEANING = 'The trace and span that served this request (`00-<trace id>-<span id>-<flags>`): the caller\'s trace when it sent a valid traceparent, else a new one.';
