import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { createKafka, EventProducer } from '@kuruma/data-access-messaging';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { KAFKA, SERVICE_CONFIG, SERVICE_KIT } from './tokens';

export interface KafkaModuleOptions {
  /** Connect the producer (`EventProducer`; default true). Off for services that only read. */
  producer?: boolean;
}

/** The service's Kafka client (`KAFKA`) and its connected producer (`EventProducer`), flushed on shutdown. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions = {}): DynamicModule {
    const client = [
      {
        provide: KAFKA,
        inject: [SERVICE_CONFIG, SERVICE_KIT],
        useFactory: (config: PlatformConfig, kit: ServiceKit): Kafka =>
          createKafka(
            {
              brokers: config.KAFKA_BROKERS,
              clientId: kit.name,
              auth: {
                securityProtocol: config.KAFKA_SECURITY_PROTOCOL,
                saslMechanism: config.KAFKA_SASL_MECHANISM,
                sslCaFile: config.KAFKA_SSL_CA_FILE,
                username: config.KAFKA_USERNAME,
                password: config.KAFKA_PASSWORD,
              },
            },
            kit.logger,
          ),
      },
    ];
    const producer = [
      {
        provide: EventProducer,
        inject: [KAFKA, SERVICE_KIT],
        useFactory: async (kafka: Kafka, kit: ServiceKit): Promise<EventProducer> => {
          const producer = new EventProducer(kafka, (resend) => kit.logger.warn(resend, 'Kafka answered a send without some of its partitions; sending those again'));
          await producer.connect();
          kit.health.register({ name: 'kafka-producer', dependency: true, check: () => producer.check() });
          kit.shutdown.register('kafka-producer', () => producer.disconnect(), 'producer');
          return producer;
        },
      },
    ];
    const providers = options.producer === false ? client : [...client, ...producer];
    return { module: KafkaModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}
