import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceMetrics } from './metrics/metrics';
import { ShutdownRegistry } from './shutdown-registry';

export const LOGGER = Symbol('LOGGER');

export interface ServiceKit {
  name: string;
  logger: Logger;
  health: HealthRegistry;
  metrics: ServiceMetrics;
  shutdown: ShutdownRegistry;
}

/** Health, metrics, the logger and the shutdown registry, available to every provider of a service. */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(kit: ServiceKit): DynamicModule {
    return {
      module: ServiceKitModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: LOGGER, useValue: kit.logger },
        { provide: HealthRegistry, useValue: kit.health },
        { provide: ServiceMetrics, useValue: kit.metrics },
        { provide: ShutdownRegistry, useValue: kit.shutdown },
      ],
      exports: [LOGGER, HealthRegistry, ServiceMetrics, ShutdownRegistry],
    };
  }
}

export function createServiceKit(name: string, logLevel: string, createLogger: (s: string, l: string) => Logger, metricsToken?: string): ServiceKit {
  return {
    name,
    logger: createLogger(name, logLevel),
    health: new HealthRegistry(),
    metrics: new ServiceMetrics(name, metricsToken),
    shutdown: new ShutdownRegistry(),
  };
}
