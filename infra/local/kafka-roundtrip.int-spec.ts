import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { Topics, topicName } from '@kuruma/contracts';
import { TEST_ENV } from '../../test/support/test-env';
import { KafkaProbe } from '../../test/support/kafka-probe';

describe('local Kafka broker', () => {
  const probe = new KafkaProbe();
  afterAll(() => probe.close());

  it('round-trips a record through the real broker on a declared topic', async () => {
    const topic = topicName(Topics.bookingEventsDlq, TEST_ENV['KAFKA_TOPIC_NAMESPACE']);
    await probe.observe([topic]);
    const marker = randomUUID();
    await probe.produce(topic, [{ key: marker, value: JSON.stringify({ marker }) }]);
    const records = await probe.waitFor((r) => r.some((x) => x.key === marker), 15_000, 'the round-tripped record');
    expect(records.find((x) => x.key === marker)?.json()).toEqual({ marker });
  });

  it('does not create topics on demand (auto-creation is off)', async () => {
    const kafka = new Kafka({ clientId: 'test-autocreate', brokers: TEST_ENV['KAFKA_BROKERS'].split(','), logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const unknown = `test.not-declared-${randomUUID().slice(0, 8)}`;
    await expect(producer.send({ topic: unknown, messages: [{ value: 'x' }] })).rejects.toThrow();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(unknown);
    await admin.disconnect();
  });
});
