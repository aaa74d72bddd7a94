import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { ServiceKit } from '../../service-kit.module';
import type { PlatformConfig } from '../../platform/platform-config';
import { TopicNames } from '../../platform/topic-names';
import { KAFKA, SERVICE_CONFIG, SERVICE_KIT } from '../../platform/tokens';
import { KafkaTailServer } from './kafka-tail.server';

export interface KafkaTailModuleOptions<C extends PlatformConfig> {
  /** How far back each start reads, from the service's configuration. */
  backfillMs: (config: C) => number;
  /** At most this many records replayed at a start (e.g. what the reader's buffer holds). */
  replayLimit: (config: C) => number;
  healthName?: string;
}

/**
 * The app's tail transport: `@TailTopic` handlers read as group `<KAFKA_GROUP_PREFIX>.<group>.<random>`.
 * main.ts connects it: `app.connectMicroservice({ strategy: app.get(KafkaTailServer) })`.
 */
@Module({})
export class KafkaTailModule {
  static forGroup<C extends PlatformConfig>(group: string, options: KafkaTailModuleOptions<C>): DynamicModule {
    const server = {
      provide: KafkaTailServer,
      inject: [SERVICE_CONFIG, SERVICE_KIT, KAFKA, TopicNames],
      useFactory: (config: C, kit: ServiceKit, kafka: Kafka, topics: TopicNames) =>
        new KafkaTailServer({
          kit,
          kafka,
          topics,
          groupPrefix: `${config.KAFKA_GROUP_PREFIX}.${group}`,
          backfillMs: options.backfillMs(config),
          replayLimit: options.replayLimit(config),
          healthName: options.healthName,
        }),
    };
    return { module: KafkaTailModule, providers: [server], exports: [KafkaTailServer] };
  }
}
