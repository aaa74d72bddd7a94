import 'reflect-metadata';
import { createServer, type RequestListener } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemFilter } from '../http/problem.filter';
import { RequestShapeGuard } from '../http/request-shape.guard';
import { RouteTable } from '../http/route-table';
import { NestPinoLogger } from '../logging/nest-logger.adapter';
import { countHttpRequests } from '../metrics/http-requests';
import type { PlatformConfig } from '../platform/platform-config';
import { SERVICE_CONFIG, SERVICE_KIT } from '../platform/tokens';
import type { ServiceKit } from '../service-kit.module';
import { traceHttpRequests } from '../tracing/http-trace';
import { installLeanAsyncResourceBind } from './lean-async-resource-bind';

interface CommonOptions {
  /** Largest JSON body accepted over HTTP, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Media types a request body may have; others are refused with 415 (default JSON only). */
  bodyTypes?: readonly string[];
}

/**
 * The partner-facing APIs run on Fastify: under Express 5 a request's router, middleware and
 * body-parser state was most of what pricing's major GCs collected (docs/benchmarks.md).
 */
export interface FastifyAppOptions extends CommonOptions {
  http?: 'fastify';
  /** Keep each request's raw body (`req.rawBody`) for services that verify signatures over the exact bytes. */
  rawBody?: boolean;
}

/** The ops console stays on Express for its middleware (static files, forms, sessions, SSE). */
export interface ExpressAppOptions extends CommonOptions {
  http: 'express';
}

export type ServiceAppOptions = FastifyAppOptions | ExpressAppOptions;

const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Each app's routes, for 405 answers; filled when it listens (the controllers are known then). */
const routeTables = new WeakMap<INestApplication, RouteTable>();

/**
 * Creates a service's Nest app from its root module (which imports ServiceKitModule.forService):
 * structured logs, problem+json errors, the request-shape guard, requests counted by route and
 * status class (kuruma_http_requests_total), and a graceful close on SIGTERM
 * or SIGINT (GracefulDrain, then HTTP and the transports). main.ts connects its transports and
 * calls {@link listen}.
 */
export async function createServiceApp<A extends INestApplication = INestApplication>(module: Type<unknown> | DynamicModule, options: ServiceAppOptions = {}): Promise<A> {
  installLeanAsyncResourceBind();
  const app = options.http === 'express' ? await createExpressApp(module, options) : await createFastifyApp(module, options);
  const kit = app.get<ServiceKit>(SERVICE_KIT);
  app.useLogger(new NestPinoLogger(kit.logger));
  const routes = new RouteTable();
  app.useGlobalFilters(new ProblemFilter(kit.logger, routes));
  app.useGlobalGuards(new RequestShapeGuard(options.bodyTypes ?? ['application/json']));
  traceHttpRequests(app, kit.tracing, options.http ?? 'fastify');
  countHttpRequests(app, kit.metrics, options.http ?? 'fastify');
  closeOnSignals(app, kit);
  routeTables.set(app, routes);
  return app as unknown as A;
}

/**
 * Listens on HOST:PORT, and on `internal` too when given: a second listener for calls from inside
 * the platform (the ops console's), bound to an internal interface; handlers tell it apart with
 * {@link arrivedOn}. Same routes as the main one.
 */
export async function listen(app: INestApplication, internal?: { host: string; port: number }): Promise<void> {
  const kit = app.get<ServiceKit>(SERVICE_KIT);
  const config = app.get<PlatformConfig>(SERVICE_CONFIG);
  await app.init();
  routeTables.get(app)?.load(app);
  await app.listen(config.PORT, config.HOST);
  kit.logger.info({ port: config.PORT, host: config.HOST }, `${kit.name} listening`);
  if (internal) await listenInternally(kit, app, internal);
}

/** Whether a request came in on the listener at `port` (the socket's own port: a client cannot forge it). */
export function arrivedOn(req: { socket?: { localPort?: number } }, port: number): boolean {
  return req.socket?.localPort === port;
}

/** Logs a failed start as one JSON line and exits non-zero, for main.ts's bootstrap().catch. */
export function exitOnStartFailure(service: string): (error: unknown) => never {
  return (error) => {
    console.error(JSON.stringify({ level: 'fatal', service, msg: 'failed to start', err: String((error as Error)?.stack ?? error) }));
    process.exit(1);
  };
}

function closeOnSignals(app: INestApplication, kit: ServiceKit): void {
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    kit.logger.info({ signal }, 'closing');
    const hardStop = setTimeout(() => {
      kit.logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    hardStop.unref();
    // app.close runs GracefulDrain (beforeApplicationShutdown), then closes HTTP and the transports.
    void app.close().then(
      () => {
        kit.logger.info('stopped');
        kit.logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        kit.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
}

async function listenInternally(kit: ServiceKit, app: INestApplication, where: { host: string; port: number }): Promise<void> {
  const instance = app.getHttpAdapter().getInstance() as RequestListener | { routing: RequestListener };
  const server = createServer(typeof instance === 'function' ? instance : (req, res) => instance.routing(req, res));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where.port, where.host, resolve));
  kit.shutdown.register('internal-http', () => new Promise<void>((resolve) => server.close(() => resolve())), 'consumers');
  kit.logger.info(where, `${kit.name} listening internally`);
}

async function createFastifyApp(module: Type<unknown> | DynamicModule, options: FastifyAppOptions): Promise<NestFastifyApplication> {
  // Loaded only here: the console, on Express, does not carry Fastify in its memory.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  return NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, rawBody: options.rawBody ?? false });
}

async function createExpressApp(module: Type<unknown> | DynamicModule, options: ExpressAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: true });
  app.useBodyParser('json', { limit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // No ETag on API responses: Express hashes every body for it, and clients do not revalidate;
  // the console's static files keep theirs (serve-static).
  express.set('etag', false);
  return app;
}
