import { type BeforeApplicationShutdown, type DynamicModule, Global, Inject, Injectable, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceMetrics } from './metrics/metrics';
import { ShutdownRegistry } from './shutdown-registry';
import type { PlatformConfig } from './platform/platform-config';
import { TopicNames } from './platform/topic-names';
import { SERVICE_CONFIG, SERVICE_KIT } from './platform/tokens';
import { createLogger } from './logging/logger';
import { ServiceTracing } from './tracing/service-tracing';
import { OtlpSpanExport } from './tracing/otlp-span-export';
import { BusinessClock } from './platform/business-clock';

export const LOGGER = Symbol('LOGGER');

export interface ServiceKit {
  name: string;
  logger: Logger;
  health: HealthRegistry;
  metrics: ServiceMetrics;
  shutdown: ShutdownRegistry;
  /** Trace propagation, kuruma_hop_seconds and (with an OTLP endpoint) spans. */
  tracing: ServiceTracing;
  /** Business time (real unless BUSINESS_CLOCK_* configure a simulated one; see business-clock.ts). */
  clock: BusinessClock;
}

/**
 * The one ordered drain when the app closes (SIGTERM): not ready first, so traffic moves away,
 * then consumers, jobs, relay, producer, clients and pools in that order (ShutdownRegistry); HTTP
 * and the transports close after it, in Nest's own dispose.
 */
@Injectable()
export class GracefulDrain implements BeforeApplicationShutdown {
  constructor(@Inject(SERVICE_KIT) private readonly kit: ServiceKit) {}

  async beforeApplicationShutdown(): Promise<void> {
    const { kit } = this;
    kit.logger.info('graceful shutdown started');
    kit.health.markShuttingDown();
    await kit.shutdown.runAll((msg, err) => (err ? kit.logger.error({ err }, msg) : kit.logger.info(msg)));
  }
}

/** Health, metrics, the logger and the shutdown registry, available to every provider of a service. */
@Global()
@Module({})
export class ServiceKitModule {
  /**
   * The platform basics for a service, from its configuration parsed once in main.ts: the config
   * itself (`SERVICE_CONFIG`), the kit (`SERVICE_KIT`, with LOGGER, HealthRegistry, ServiceMetrics
   * and ShutdownRegistry), the topic names and the graceful drain.
   */
  static forService(config: PlatformConfig): DynamicModule {
    const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN, BusinessClock.from(config.BUSINESS_CLOCK));
    // Loud, once: every business decision of this process follows a clock that is not the wall's.
    if (kit.clock.simulated) kit.logger.warn({ businessClock: kit.clock.report() }, 'business clock is simulated');
    const base = ServiceKitModule.forRoot(kit);
    const providers = [
      ...(base.providers ?? []),
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: SERVICE_KIT, useValue: kit },
      { provide: TopicNames, useValue: new TopicNames(config.KAFKA_TOPIC_NAMESPACE) },
      GracefulDrain,
      OtlpSpanExport,
    ];
    return { ...base, providers, exports: [...(base.exports ?? []), SERVICE_CONFIG, SERVICE_KIT, TopicNames] };
  }

  static forRoot(kit: ServiceKit): DynamicModule {
    return {
      module: ServiceKitModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: LOGGER, useValue: kit.logger },
        { provide: HealthRegistry, useValue: kit.health },
        { provide: ServiceMetrics, useValue: kit.metrics },
        { provide: ShutdownRegistry, useValue: kit.shutdown },
        { provide: ServiceTracing, useValue: kit.tracing },
        { provide: BusinessClock, useValue: kit.clock },
      ],
      exports: [LOGGER, HealthRegistry, ServiceMetrics, ShutdownRegistry, ServiceTracing, BusinessClock],
    };
  }
}

export function createServiceKit(name: string, logLevel: string, createLogger: (s: string, l: string) => Logger, metricsToken?: string, clock = BusinessClock.real()): ServiceKit {
  const metrics = new ServiceMetrics(name, metricsToken);
  return {
    name,
    logger: createLogger(name, logLevel),
    health: new HealthRegistry(),
    metrics,
    shutdown: new ShutdownRegistry(),
    tracing: new ServiceTracing(name, metrics),
    clock,
  };
}
