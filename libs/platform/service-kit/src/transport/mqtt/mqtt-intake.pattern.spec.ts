import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EventProducer } from '@kuruma/data-access-messaging';
import { createLogger } from '../../logging/logger';
import { TopicNames } from '../../platform/topic-names';
import { createServiceKit } from '../../service-kit.module';
import { ConsumeTopic } from '../kafka/kafka-batch.pattern';
import { KafkaBatchServer } from '../kafka/kafka-batch.server';
import { ConsumeMqttTopic } from './mqtt-intake.pattern';
import { MqttIntakeServer } from './mqtt-intake.server';
import type { MqttMessage } from './mqtt-message';

@Controller()
class AlertsHandler {
  @ConsumeMqttTopic('devices/+/crash')
  crash(@Payload() message: MqttMessage): string {
    return message.topic;
  }
}

@Controller()
class PolicyEventsHandler {
  @ConsumeTopic('insurance.policy-events.v1', { schema: z.object({}) })
  apply(): string {
    return 'applied';
  }
}

@Module({ controllers: [AlertsHandler, PolicyEventsHandler] })
class BothTransportsModule {}

describe(ConsumeMqttTopic.name, () => {
  const kit = createServiceKit('pattern-test', 'silent', createLogger);

  it('registers its handlers on the MQTT transport only, and @ConsumeTopic handlers on Kafka only', async () => {
    const mqtt = new MqttIntakeServer({ kit, url: 'mqtt://127.0.0.1:1', servicePassword: 'unused', clientId: 'c', shareGroup: 'g', connections: 1, stuckAfterMs: 1, maxAttempts: 1, deadLetter: async () => undefined });
    const kafka = new KafkaBatchServer({ kit, kafka: {} as never, producer: {} as EventProducer, topics: new TopicNames(''), groupId: 'g', stuckAfterMs: 1, maxAttempts: 1 });
    for (const strategy of [mqtt, kafka]) {
      const app = await NestFactory.createMicroservice(BothTransportsModule, { strategy, logger: false });
      await app.init();
      await app.close();
    }
    expect([...mqtt.getHandlers().keys()]).toEqual(['devices/+/crash']);
    expect([...kafka.getHandlers().keys()]).toEqual(['insurance.policy-events.v1']);
  });

  it('refuses a pattern that is not an MQTT topic filter when the handler is declared', () => {
    expect(() => ConsumeMqttTopic('devices/#/crash')).toThrow(/not an MQTT topic filter/);
  });
});
