import 'reflect-metadata';
import { createServer, type RequestListener } from 'node:http';
import { type Type } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { ProblemFilter } from './http/problem.filter';
import { RequestShapeGuard } from './http/request-shape.guard';
import { RouteTable } from './http/route-table';
import { NestPinoLogger } from './logging/nest-logger.adapter';
import type { ServiceKit } from './service-kit.module';

interface CommonOptions {
  kit: ServiceKit;
  /** Root module built with ServiceKitModule.forRoot(kit) among its imports. */
  module: Type<unknown> | ReturnType<typeof Object>;
  host: string;
  port: number;
  /** Largest JSON body accepted over HTTP, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Media types a request body may have; others are refused with 415 (default JSON only). */
  bodyTypes?: readonly string[];
  /**
   * A second listener for calls from inside the platform (e.g. the ops console), bound to an
   * internal interface; handlers tell it apart with {@link arrivedOn}. Same routes as the main one.
   */
  internalListener?: { host: string; port: number };
}

/**
 * The partner-facing APIs run on Fastify: under Express 5 a request's router, middleware and
 * body-parser state was most of what pricing's major GCs collected at 500 quotes/s, and those
 * pauses were the p99 (docs/benchmarks.md).
 */
export interface ApiServiceOptions extends CommonOptions {
  http?: 'fastify';
  /**
   * Keep each request's raw body (`req.rawBody`), for services that verify signatures over the
   * exact bytes. Off by default: a second copy of every body the others never read.
   */
  rawBody?: boolean;
}

/** The ops console stays on Express for its middleware (static files, forms, sessions, SSE). */
export interface ExpressServiceOptions extends CommonOptions {
  http: 'express';
  /** Extra Express middleware mounted before the app listens. */
  beforeListen?: (app: NestExpressApplication) => void;
}

export type RunServiceOptions = ApiServiceOptions | ExpressServiceOptions;

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Starts a service: HTTP (problem+json errors, raw body kept where signatures need it), then waits for
 * SIGTERM/SIGINT to drain: not-ready first, then the registered stop steps, then HTTP.
 */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const { kit } = options;
  const app = options.http === 'express' ? await createExpressApp(options) : await createFastifyApp(options);
  const routes = new RouteTable();
  app.useGlobalFilters(new ProblemFilter(kit.logger, routes));
  app.useGlobalGuards(new RequestShapeGuard(options.bodyTypes ?? ['application/json']));
  await app.init();
  routes.load(app);
  await app.listen(options.port, options.host);
  kit.logger.info({ port: options.port, host: options.host, http: options.http ?? 'fastify' }, `${kit.name} listening`);
  if (options.internalListener) await listenInternally(kit, app, options.internalListener);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    kit.logger.info({ signal }, 'graceful shutdown started');
    kit.health.markShuttingDown();
    const hardStop = setTimeout(() => {
      kit.logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    hardStop.unref();
    await kit.shutdown.runAll((msg, err) => (err ? kit.logger.error({ err }, msg) : kit.logger.info(msg)));
    await app.close();
    kit.logger.info('stopped');
    kit.logger.flush?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return app;
}

/** The internal listener hands each request to the same router as the public one. */
async function listenInternally(kit: ServiceKit, app: INestApplication, where: { host: string; port: number }): Promise<void> {
  const instance = app.getHttpAdapter().getInstance() as RequestListener | { routing: RequestListener };
  const server = createServer(typeof instance === 'function' ? instance : (req, res) => instance.routing(req, res));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where.port, where.host, resolve));
  kit.shutdown.register('internal-http', () => new Promise<void>((resolve) => server.close(() => resolve())));
  kit.logger.info(where, `${kit.name} listening internally`);
}

/** Whether a request came in on the listener at `port` (the socket's own port: a client cannot forge it). */
export function arrivedOn(req: { socket?: { localPort?: number } }, port: number): boolean {
  return req.socket?.localPort === port;
}

async function createFastifyApp(options: ApiServiceOptions): Promise<NestFastifyApplication> {
  // Loaded only here: the console, on Express, does not carry Fastify in its memory.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  return NestFactory.create<NestFastifyApplication>(options.module as Type<unknown>, adapter, {
    logger: new NestPinoLogger(options.kit.logger),
    rawBody: options.rawBody ?? false,
  });
}

async function createExpressApp(options: ExpressServiceOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module as Type<unknown>, {
    logger: new NestPinoLogger(options.kit.logger),
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // No ETag on API responses: Express hashes every body for it, and clients do not revalidate;
  // the console's static files keep theirs (serve-static).
  express.set('etag', false);
  options.beforeListen?.(app);
  return app;
}
