import type { IncomingHttpHeaders } from 'node:http';
import type { TraceHeaders } from '@kuruma/data-access-messaging';

/**
 * What handlers read off a request. The API services run on Fastify and the ops console on
 * Express; both requests carry these fields, so shared code and controllers depend on neither.
 */
export interface HttpRequest {
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  /** Path and query as received (Express and Fastify both keep it before any rewriting). */
  readonly originalUrl?: string;
  readonly body?: unknown;
  /** The exact bytes of the body, kept only where a service asked for them (signatures). */
  readonly rawBody?: Buffer;
  /** The connection: its local port tells which listener the request came in on. */
  readonly socket?: { readonly localPort?: number };
  /** The trace headers for what this request causes (its span; see traceHttpRequests). */
  readonly trace?: TraceHeaders;
}

/** One header's value; Node lower-cases header names, so `name` must be lower case. */
export function headerOf(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The reply methods shared by Express and Fastify that error rendering and health need. */
export interface HttpReply {
  status(code: number): this;
  type(contentType: string): this;
  header(name: string, value: string): this;
  send(body: string): unknown;
}
