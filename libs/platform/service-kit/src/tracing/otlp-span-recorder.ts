import { type Attributes, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { formatTraceparent } from '@kuruma/data-access-messaging';
import type { HopSpanKind, SpanRecorder, TraceSource } from './service-tracing';

const KINDS: Record<HopSpanKind, SpanKind> = { consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER, server: SpanKind.SERVER };

/** The messaging semantic conventions' attributes of where a hop's input came from. */
function attributesOf(kind: HopSpanKind, source: TraceSource | undefined, hop: string | undefined): Attributes {
  const attributes: Attributes = {};
  if (hop) attributes['kuruma.hop'] = hop;
  if (!source?.topic) return attributes;
  attributes['messaging.system'] = source.system ?? 'kafka';
  attributes['messaging.destination.name'] = source.topic;
  attributes['messaging.operation.type'] = kind === 'producer' ? 'send' : 'process';
  if (source.partition !== undefined) attributes['messaging.destination.partition.id'] = String(source.partition);
  if (source.offset !== undefined) attributes['messaging.kafka.offset'] = Number(source.offset);
  return attributes;
}

/**
 * OpenTelemetry's trace SDK with a batch processor and the OTLP/HTTP (JSON) exporter, loaded by
 * a dynamic import only when a collector is configured. No global provider and no context
 * manager: every span gets its parent explicitly from the record, message or request it handles,
 * so nothing of async_hooks runs. `shutdown` flushes what is still batched.
 */
export function startOtlpSpanRecorder(service: string, url: string): SpanRecorder {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  const tracer = provider.getTracer('kuruma-hops');
  return {
    start(name, kind, parent, tracestate, startMs, source, hop) {
      const context = parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true, ...(tracestate ? { traceState: new TraceState(tracestate) } : {}) }) : ROOT_CONTEXT;
      const span = tracer.startSpan(name, { kind: KINDS[kind], startTime: startMs, attributes: attributesOf(kind, source, hop) }, context);
      const { traceId, spanId, traceFlags } = span.spanContext();
      return { traceparent: formatTraceparent(traceId, spanId, traceFlags), end: (endMs) => span.end(endMs) };
    },
    shutdown: () => provider.shutdown(),
  };
}
