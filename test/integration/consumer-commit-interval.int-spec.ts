import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchConsumer, createKafka } from '@kuruma/data-access-messaging';
import { createLogger } from '@kuruma/service-kit';
import { ADMIN_KAFKA_AUTH, kafkaClientAs, KafkaProbe, TEST_ENV, testTopic, waitUntil } from '../../tools/harness';

/**
 * CONSUMER_COMMIT_INTERVAL_MS against the real broker: applied offsets wait to be committed
 * together, which is what saves the OffsetCommit requests, and still reach the group (so lag
 * drains), and a stop commits what is applied at once, so a graceful restart redelivers nothing.
 */
const run = randomUUID().slice(0, 8);
const logger = createLogger('commit-interval-test', 'silent');

describe('BatchConsumer commit interval', () => {
  const probe = new KafkaProbe({ producerAuth: ADMIN_KAFKA_AUTH });
  let admin: Admin;
  let kafka: Kafka;
  const topics: string[] = [];

  beforeAll(async () => {
    admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'commit-interval-admin').admin();
    await admin.connect();
    kafka = createKafka({ brokers: TEST_ENV['KAFKA_BROKERS'].split(','), clientId: 'commit-interval-test', auth: ADMIN_KAFKA_AUTH }, logger);
  });

  afterAll(async () => {
    await probe.close();
    await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  /** A one-partition topic, a consumer of it with `commitIntervalMs`, and a count of its OffsetCommit requests. */
  async function consumerOf(name: string, commitIntervalMs: number) {
    const topic = testTopic(`commit-interval.${run}.${name}`);
    topics.push(topic);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const groupId = `${TEST_ENV['KAFKA_GROUP_PREFIX']}.commit-interval.${run}.${name}`;
    const applied: number[] = [];
    let offsetCommits = 0;
    // The real client, with each consumer it makes counting its OffsetCommit requests.
    const counting = Object.create(kafka) as Kafka;
    counting.consumer = (config) => {
      const consumer = kafka.consumer(config);
      consumer.on(consumer.events.REQUEST, (event) => {
        if (event.payload.apiName === 'OffsetCommit') offsetCommits += 1;
      });
      return consumer;
    };
    const consumer = new BatchConsumer({
      kafka: counting,
      groupId,
      topics: [topic],
      logger,
      commitIntervalMs,
      handle: async (records) => void applied.push(...records.map((r) => Number(r.value?.toString()))),
      onCrash: (error) => {
        throw error;
      },
    });
    await consumer.start();
    const committed = async () => Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset ?? -1);
    /** Sends `n` records one at a time, each after the last was applied, so each is its own fetch and chunk. */
    const sendOneByOne = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const before = applied.length;
        await probe.produce(topic, [{ key: 'k', value: String(i) }]);
        expect(await waitUntil(() => applied.length > before, 30_000, 5)).toBe(true);
      }
    };
    return { consumer, applied, committed, sendOneByOne, commits: () => offsetCommits };
  }

  it('commits the offsets of many chunks in a few requests, and the committed offset still reaches the end', async () => {
    const every = await consumerOf('every-chunk', 0);
    const batched = await consumerOf('batched', 1_000);
    try {
      await every.sendOneByOne(20);
      await batched.sendOneByOne(20);
      expect(await waitUntil(async () => (await batched.committed()) === 20, 10_000)).toBe(true);
      expect(await waitUntil(async () => (await every.committed()) === 20, 10_000)).toBe(true);
      expect(batched.applied).toEqual([...Array(20).keys()]);
      // Twenty chunks within a few hundred ms: one request per interval, not one per chunk.
      expect(batched.commits()).toBeLessThanOrEqual(4);
      expect(every.commits()).toBeGreaterThanOrEqual(10);
    } finally {
      await every.consumer.stop();
      await batched.consumer.stop();
    }
  });

  it('commits what is applied at once on stop, so a restart of the group redelivers nothing', async () => {
    const first = await consumerOf('stop', 60_000);
    await first.sendOneByOne(5);
    // Within the interval nothing has been committed yet: this is what a crash would redeliver.
    expect(await first.committed()).toBe(-1);
    await first.consumer.stop();
    expect(await first.committed()).toBe(5);
    expect(first.commits()).toBe(1);
  });
});
