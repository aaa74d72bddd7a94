import type { INestApplication } from '@nestjs/common';
import type { TraceHeaders } from '@kuruma/data-access-messaging';
import type { HttpRequest } from '../http/http-request';
import type { HopTrace, ServiceTracing } from './service-tracing';

/** W3C Trace Context level 2: the answer names the trace and span that served it. */
export const TRACERESPONSE = 'traceresponse';

type TracedRequest = HttpRequest & { method?: string; trace?: TraceHeaders; hop?: HopTrace };

interface HookHost {
  addHook(name: 'onRequest' | 'onResponse', hook: (req: TracedRequest, reply: { header(name: string, value: string): unknown }, done: () => void) => void): unknown;
}

/**
 * Every inbound request continues the caller's traceparent or starts a trace: handlers find the
 * headers for what the request causes on `req.trace` (the webhook forwards them to Kafka), the
 * answer carries them as `traceresponse`, and with a collector the request is a server span.
 */
export function traceHttpRequests(app: INestApplication, tracing: ServiceTracing, http: 'fastify' | 'express'): void {
  const begin = (req: TracedRequest): TraceHeaders => {
    const hop = tracing.begin(`HTTP ${req.method ?? ''}`, 'server');
    req.hop = hop;
    return (req.trace = hop.child(req, Date.now()));
  };
  if (http === 'fastify') {
    const fastify = app.getHttpAdapter().getInstance() as HookHost;
    fastify.addHook('onRequest', (req, reply, done) => {
      reply.header(TRACERESPONSE, begin(req).traceparent);
      done();
    });
    fastify.addHook('onResponse', (req, _reply, done) => {
      req.hop?.end();
      done();
    });
    return;
  }
  app.use((req: TracedRequest, res: { setHeader(name: string, value: string): void; once(event: 'finish', listener: () => void): void }, next: () => void) => {
    res.setHeader(TRACERESPONSE, begin(req).traceparent);
    if (tracing.recording) res.once('finish', () => req.hop?.end());
    next();
  });
}
