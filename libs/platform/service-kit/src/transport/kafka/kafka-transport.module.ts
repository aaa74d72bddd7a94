import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventProducer } from '@kuruma/data-access-messaging';
import type { ServiceKit } from '../../service-kit.module';
import type { PlatformConfig } from '../../platform/platform-config';
import { TopicNames } from '../../platform/topic-names';
import { KAFKA, SERVICE_CONFIG, SERVICE_KIT } from '../../platform/tokens';
import { KafkaBatchServer } from './kafka-batch.server';

/**
 * The app's Kafka transport, one consumer group (`<KAFKA_GROUP_PREFIX>.<group>`) for all its
 * `@ConsumeTopic` handlers. main.ts connects it: `app.connectMicroservice({ strategy: app.get(KafkaBatchServer) })`.
 */
@Module({})
export class KafkaTransportModule {
  static forGroup(group: string): DynamicModule {
    const server = {
      provide: KafkaBatchServer,
      inject: [SERVICE_CONFIG, SERVICE_KIT, KAFKA, EventProducer, TopicNames],
      useFactory: (config: PlatformConfig, kit: ServiceKit, kafka: Kafka, producer: EventProducer, topics: TopicNames) =>
        new KafkaBatchServer({
          kit,
          kafka,
          producer,
          topics,
          groupId: `${config.KAFKA_GROUP_PREFIX}.${group}`,
          stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
          maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
          commitIntervalMs: config.CONSUMER_COMMIT_INTERVAL_MS,
          rediscoverMs: config.KAFKA_TOPIC_REDISCOVER_MS,
        }),
    };
    return { module: KafkaTransportModule, providers: [server], exports: [KafkaBatchServer] };
  }
}
