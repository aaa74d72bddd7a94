import { describe, expect, it } from 'vitest';
import { childTraceHeaders, formatTraceparent, newSpanId, newTraceId, readTraceparent, traceIdOf } from './trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

describe(childTraceHeaders.name, () => {
  it('continues the trace of a valid traceparent with a new span id and keeps the sampled flag', () => {
    const sut = childTraceHeaders({ traceparent: VALID });
    expect(sut.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(sut.traceparent)).toBe(TRACE);
    expect(sut.traceparent).not.toContain(SPAN);
    expect(sut.traceparent.endsWith('-01')).toBe(true);
    expect(childTraceHeaders({ traceparent: `00-${TRACE}-${SPAN}-00` }).traceparent.endsWith('-00')).toBe(true);
  });

  it('forwards a tracestate only together with a valid traceparent', () => {
    expect(childTraceHeaders({ traceparent: VALID, tracestate: 'congo=t61rcWkgMzE' }).tracestate).toBe('congo=t61rcWkgMzE');
    expect(childTraceHeaders({ traceparent: 'garbage', tracestate: 'congo=t61rcWkgMzE' }).tracestate).toBeUndefined();
    expect(childTraceHeaders({ traceparent: VALID, tracestate: 'a='.padEnd(600, 'x') }).tracestate).toBeUndefined();
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['garbage', 'not a traceparent'],
    ['upper-case hex', VALID.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['the forbidden version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['oversized (a future version padded to 10 KB)', `01-${TRACE}-${SPAN}-01-${'a'.repeat(10_000)}`],
    ['a NUL byte', `00-${TRACE}-${SPAN}-0\u0000`],
  ])('starts a new trace, without throwing, for a traceparent that is %s', (_, traceparent) => {
    const sut = childTraceHeaders(traceparent === undefined ? {} : { traceparent });
    expect(sut.traceparent).toMatch(TRACEPARENT);
    expect(traceIdOf(sut.traceparent)).not.toBe(TRACE);
    expect(sut.tracestate).toBeUndefined();
  });

  it('starts a new trace for records without headers', () => {
    expect(childTraceHeaders(null).traceparent).toMatch(TRACEPARENT);
    expect(childTraceHeaders(undefined).traceparent).toMatch(TRACEPARENT);
  });
});

describe(readTraceparent.name, () => {
  it('accepts a later version with appended fields, as the spec asks', () => {
    expect(readTraceparent(`01-${TRACE}-${SPAN}-01-more`)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
  });

  it('ignores what is not a string', () => {
    expect(readTraceparent(42)).toBeNull();
    expect(readTraceparent(Buffer.from(VALID))).toBeNull();
  });
});

describe('trace ids', () => {
  it('are distinct lower-case hex of the W3C lengths', () => {
    const ids = new Set(Array.from({ length: 2_000 }, newSpanId));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(formatTraceparent(TRACE, SPAN, 0xff)).toBe(`00-${TRACE}-${SPAN}-01`);
  });
});
