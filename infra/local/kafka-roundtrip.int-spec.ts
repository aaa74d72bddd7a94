import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Topics, topicName } from '@kuruma/contracts';
import { ADMIN_KAFKA_AUTH, kafkaClientAs, KafkaProbe, TEST_ENV } from '../../tools/harness';

describe('local Kafka broker', () => {
  // Dead-letter topics are the services' and the admin's only.
  const probe = new KafkaProbe({ producerAuth: ADMIN_KAFKA_AUTH });
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
    // Even the admin, who may create topics, cannot create one by producing to it.
    const kafka = kafkaClientAs(ADMIN_KAFKA_AUTH, 'test-autocreate');
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
