import type { INestApplication } from '@nestjs/common';
import type { ServiceMetrics } from './metrics';

/** `2xx`, `4xx`, `5xx`...: what an error-rate alert divides (tools/k8s/monitoring.ts, KurumaHttpErrorRate). */
export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;

/** A request that matched no route is counted under this instead of its path: paths are unbounded, routes are not. */
export const UNMATCHED_ROUTE = 'unmatched';

interface FastifyHookHost {
  addHook(name: 'onResponse', hook: (req: { method: string; routeOptions?: { url?: string } }, reply: { statusCode: number }, done: () => void) => void): unknown;
}
interface ExpressRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
interface ExpressResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): void;
}

/**
 * `kuruma_http_requests_total{route, method, status_class}` for every answered request of the
 * service (the route pattern, never the raw path, so the series stay bounded).
 */
export function countHttpRequests(app: INestApplication, metrics: ServiceMetrics, http: 'fastify' | 'express'): void {
  const requests = metrics.counter('kuruma_http_requests_total', 'HTTP requests answered, by route pattern, method and status class', ['route', 'method', 'status_class']);
  const count = (route: string | undefined, method: string, status: number) => requests.inc({ route: route || UNMATCHED_ROUTE, method, status_class: statusClass(status) });
  if (http === 'fastify') {
    (app.getHttpAdapter().getInstance() as FastifyHookHost).addHook('onResponse', (req, reply, done) => {
      count(req.routeOptions?.url, req.method, reply.statusCode);
      done();
    });
    return;
  }
  app.use((req: ExpressRequest, res: ExpressResponse, next: () => void) => {
    res.once('finish', () => count(typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : undefined, req.method, res.statusCode));
    next();
  });
}
