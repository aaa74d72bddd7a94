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

/** The service's Redis connection (`REDIS`), health-checked and closed on shutdown. */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions = {}): DynamicModule {
    const provider = {
      provide: REDIS,
      inject: [SERVICE_CONFIG, SERVICE_KIT],
      useFactory: (config: PlatformConfig, kit: ServiceKit): Redis => {
        const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: options.offlineQueue ?? true, enableAutoPipelining: options.autoPipelining ?? false });
        redis.on('error', (err) => kit.logger.warn({ err: err.message }, 'redis error'));
        kit.health.register({ name: 'redis', dependency: true, check: async () => void (await redis.ping()) });
        kit.shutdown.register('redis', async () => void redis.disconnect(), 'clients');
        return redis;
      },
    };
    return { module: RedisModule, global: true, providers: [provider], exports: [REDIS] };
  }
}
