import { childTraceHeaders, type OutboxPublishTrace, type OutboxRowToSend, type ParentTrace, readTraceparent, readTracestate, TRACEPARENT, TRACESTATE, type TraceHeaders } from '@kuruma/data-access-messaging';
import type { ServiceMetrics } from '../metrics/metrics';
import { type HopName, HopLatency } from './hop-latency';

/** Where a hop's input came from, for its span's attributes (messaging semantic conventions). */
export interface TraceSource {
  /** Kafka record headers, HTTP request headers or MQTT v5 user properties (a repeated traceparent counts as none). */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | null;
  /** Which messaging system `topic` is on (default kafka). */
  readonly system?: 'kafka' | 'mqtt';
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
}

export type HopSpanKind = 'consumer' | 'producer' | 'server';

/** A span being recorded (only with an OTLP endpoint configured). */
export interface RecordedSpan {
  readonly traceparent: string;
  end(endMs: number): void;
}

/** Records spans: the OTLP exporter (otlp-span-recorder.ts), loaded only when an endpoint is configured. */
export interface SpanRecorder {
  start(name: string, kind: HopSpanKind, parent: ParentTrace | null, tracestate: string | undefined, startMs: number, source: TraceSource | undefined, hop: HopName | undefined): RecordedSpan;
  shutdown(): Promise<void>;
}

/**
 * One hop of a chunk, a message or a request: each input gets the trace headers of what it causes
 * downstream (`child`), and `end` closes the hop for all of them at once.
 */
export interface HopTrace {
  /** Trace headers for what `source` causes: its trace, this hop's span (a new trace when it has none). */
  child(source: TraceSource | undefined, startMs: number): TraceHeaders;
  /** Counts an input in the hop's latency only: its trace headers stay as they are. */
  mark(startMs: number): void;
  /** The hop ended (committed, acknowledged, answered): observes its latency and ends its spans. */
  end(endMs?: number): void;
}

/**
 * W3C trace propagation, per-hop latency (`kuruma_hop_seconds`) and, when an OTLP endpoint is
 * configured, a span per hop. Without an endpoint no SDK is loaded and no span object exists:
 * a hop then costs a new span id per input and an array of start instants per chunk.
 */
export class ServiceTracing {
  readonly hops: HopLatency;
  private recorder?: SpanRecorder;
  private readonly untimed: HopTrace;

  constructor(
    readonly service: string,
    metrics: ServiceMetrics,
  ) {
    this.hops = HopLatency.of(metrics);
    this.untimed = new PropagatedHop(this.hops, undefined);
  }

  /** From now on every hop is also a span, handed to `recorder` (ServiceKitModule's OTLP start-up). */
  recordSpans(recorder: SpanRecorder): void {
    this.recorder = recorder;
  }

  get recording(): boolean {
    return this.recorder !== undefined;
  }

  /**
   * Begins one hop. `hop`, when given, is observed in kuruma_hop_seconds for each child, from the
   * start instant given with it; `span` names the hop's spans.
   */
  begin(span: string, kind: HopSpanKind, hop?: HopName): HopTrace {
    if (this.recorder) return new RecordedHop(this.hops, this.recorder, span, kind, hop);
    // Nothing to remember for an untimed hop without spans: one shared instance, no allocation.
    return hop ? new PropagatedHop(this.hops, hop) : this.untimed;
  }


  /**
   * The relay's view of one outbox batch (OutboxRelayOptions.trace): rows of `topic` are the hop
   * `hop`, from their commit instant to Kafka's acknowledgement. Without a span recorder a row's
   * headers go out as written (the trace continues with the span that wrote the row).
   */
  outbox(hop: HopName, topic: string): () => OutboxPublishTrace {
    return () => new OutboxHop(this.begin(`publish ${topic}`, 'producer', hop), topic, this.recorder !== undefined);
  }
}

/** A hop without spans: new span ids for propagation, start instants for the histogram. */
class PropagatedHop implements HopTrace {
  private readonly starts: number[] = [];

  constructor(
    private readonly hops: HopLatency,
    private readonly hop: HopName | undefined,
  ) {}

  child(source: TraceSource | undefined, startMs: number): TraceHeaders {
    if (this.hop) this.starts.push(startMs);
    return childTraceHeaders(source?.headers);
  }

  mark(startMs: number): void {
    if (this.hop) this.starts.push(startMs);
  }

  end(endMs = Date.now()): void {
    if (this.hop) for (const start of this.starts) this.hops.observe(this.hop, start, endMs);
  }
}

/** A hop with a span per input, exported over OTLP. */
class RecordedHop implements HopTrace {
  private readonly spans: RecordedSpan[] = [];
  private readonly starts: number[] = [];

  constructor(
    private readonly hops: HopLatency,
    private readonly recorder: SpanRecorder,
    private readonly name: string,
    private readonly kind: HopSpanKind,
    private readonly hop: HopName | undefined,
  ) {}

  child(source: TraceSource | undefined, startMs: number): TraceHeaders {
    if (this.hop) this.starts.push(startMs);
    const parent = readTraceparent(source?.headers?.[TRACEPARENT]);
    const tracestate = parent ? readTracestate(source?.headers?.[TRACESTATE]) : undefined;
    const span = this.recorder.start(this.name, this.kind, parent, tracestate, startMs, source, this.hop);
    this.spans.push(span);
    return tracestate ? { traceparent: span.traceparent, tracestate } : { traceparent: span.traceparent };
  }

  mark(startMs: number): void {
    if (this.hop) this.starts.push(startMs);
  }

  end(endMs = Date.now()): void {
    if (this.hop) for (const start of this.starts) this.hops.observe(this.hop, start, endMs);
    for (const span of this.spans) span.end(endMs);
  }
}

/** One outbox batch: the rows of the hop's topic are timed from their commit instant. */
class OutboxHop implements OutboxPublishTrace {
  constructor(
    private readonly trace: HopTrace,
    private readonly topic: string,
    private readonly rewrite: boolean,
  ) {}

  sending(row: OutboxRowToSend): Record<string, string> | undefined {
    if (row.topic !== this.topic) return row.headers ?? undefined;
    if (this.rewrite) return { ...row.headers, ...this.trace.child(row, row.created_at.getTime()) };
    this.trace.mark(row.created_at.getTime());
    return row.headers ?? undefined;
  }

  acknowledged(): void {
    this.trace.end();
  }
}
