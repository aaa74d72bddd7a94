import { type DynamicModule, Module } from '@nestjs/common';
import Redis from 'ioredis';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { REDIS, SERVICE_CONFIG, SERVICE_KIT } from './tokens';

export interface RedisModuleOptions {
  /**
   * Queue commands while disconnected (default true). Off where an answer is wanted now or not at
   * all (pricing's lookups fall back rather than wait).
   */
  offlineQueue?: boolean;
  /**
   * Send the commands issued in one event-loop turn in one write (ioredis auto-pipelining, default
   * off). For a service whose concurrent messages each make a Redis call: one socket write instead
   * of one per command.
   */
  autoPipelining?: boolean;
}

/**
 * A Redis client for the service: health-checked, closed on shutdown, and no command waits longer
 * than REDIS_COMMAND_TIMEOUT_MS for its answer (it then fails with "Command timed out", which the
 * consumers treat as an outage and the HTTP routes answer with 503).
 */
export function connectRedis(config: Pick<PlatformConfig, 'REDIS_URL' | 'REDIS_COMMAND_TIMEOUT_MS'>, kit: ServiceKit, options: RedisModuleOptions = {}): Redis {
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 2,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: options.offlineQueue ?? true,
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  redis.on('error', (err) => kit.logger.warn({ err: err.message }, 'redis error'));
  kit.health.register({ name: 'redis', dependency: true, check: async () => void (await redis.ping()) });
  kit.shutdown.register('redis', async () => void redis.disconnect(), 'clients');
  return redis;
}

/** The service's Redis connection (`REDIS`, see `connectRedis`). */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions = {}): DynamicModule {
    const provider = {
      provide: REDIS,
      inject: [SERVICE_CONFIG, SERVICE_KIT],
      useFactory: (config: PlatformConfig, kit: ServiceKit): Redis => connectRedis(config, kit, options),
    };
    return { module: RedisModule, global: true, providers: [provider], exports: [REDIS] };
  }
}
