import 'reflect-metadata';
import { type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { ProblemFilter } from './http/problem.filter';
import { NestPinoLogger } from './logging/nest-logger.adapter';
import type { ServiceKit } from './service-kit.module';

export interface RunServiceOptions {
  kit: ServiceKit;
  /** Root module built with ServiceKitModule.forRoot(kit) among its imports. */
  module: Type<unknown> | ReturnType<typeof Object>;
  host: string;
  port: number;
  /** Largest JSON body accepted over HTTP. */
  bodyLimit?: string;
  /**
   * Keep each request's raw body (`req.rawBody`), for services that verify signatures over the
   * exact bytes. Off by default: a second copy of every body the others never read.
   */
  rawBody?: boolean;
  /** Extra Express middleware (static files, form parsing) mounted before the app listens. */
  beforeListen?: (app: NestExpressApplication) => void;
}

/**
 * Starts a service: HTTP (problem+json errors, raw body kept where signatures need it), then waits for
 * SIGTERM/SIGINT to drain: not-ready first, then the registered stop steps, then HTTP.
 */
export async function runService(options: RunServiceOptions): Promise<NestExpressApplication> {
  const { kit } = options;
  const app = await NestFactory.create<NestExpressApplication>(options.module as Type<unknown>, {
    logger: new NestPinoLogger(kit.logger),
    rawBody: options.rawBody ?? false,
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: options.bodyLimit ?? '1mb' });
  app.useGlobalFilters(new ProblemFilter(kit.logger));
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // No ETag on API responses: Express hashes every body for it (POST answers included), and
  // partners' clients do not revalidate; the console's static files keep theirs (serve-static).
  express.set('etag', false);
  options.beforeListen?.(app);
  await app.listen(options.port, options.host);
  kit.logger.info({ port: options.port, host: options.host }, `${kit.name} listening`);

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
