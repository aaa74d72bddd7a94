import { randomUUID } from 'node:crypto';
import { Controller, Inject, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Admin } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeadLetterHeaders } from '@kuruma/contracts';
import { createKafka, EventProducer } from '@kuruma/data-access-messaging';
import { ConsumeTopic, createLogger, createServiceKit, type DecodedRecord, KafkaBatchServer, type KafkaChunkContext, TopicNames } from '@kuruma/service-kit';
import { ADMIN_KAFKA_AUTH, kafkaClientAs, KafkaProbe, TEST_ENV, testTopic } from '../../tools/harness';

/**
 * The Kafka transport every service consumes through, against the real broker and Postgres: what
 * a record that keeps failing, one that fails while a dependency is away, and one that fails its
 * schema each do to their partition. The handler here is the test's own, so each failure is exact.
 */
const run = randomUUID().slice(0, 8);
const base = `transport-test.${run}.v1`;
const dlqBase = `${base}.dlq`;
const schema = z.object({ n: z.number().int(), fail: z.enum(['never', 'always', 'outage', 'refuse']).default('never') });
type Item = z.infer<typeof schema>;

const applied: number[] = [];
const attemptsOf = new Map<number, number>();

@Controller()
class TestItemsController {
  constructor(@Inject('OUTAGE_ATTEMPTS') private readonly outageAttempts: number) {}

  @ConsumeTopic(base, { schema, deadLetter: dlqBase })
  async apply(@Payload() records: DecodedRecord<Item>[], @Ctx() chunk: KafkaChunkContext): Promise<void> {
    for (const { data, source } of records) {
      const tries = (attemptsOf.get(data.n) ?? 0) + 1;
      attemptsOf.set(data.n, tries);
      if (data.fail === 'always') throw new TypeError(`item ${data.n} cannot be applied`);
      // The shape of node-postgres' error when the database is unreachable.
      if (data.fail === 'outage' && tries <= this.outageAttempts) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      if (data.fail === 'refuse') {
        chunk.refuse(source, `unknown-item: item ${data.n} is refused by the handler`);
        continue;
      }
    }
    // Applied only when the whole chunk went through, as a transaction would.
    for (const { data } of records) if (data.fail !== 'refuse') applied.push(data.n);
  }
}

describe(KafkaBatchServer.name, () => {
  const probe = new KafkaProbe({ producerAuth: ADMIN_KAFKA_AUTH });
  const db = new pg.Client({ connectionString: TEST_ENV['DATABASE_URL'] });
  let admin: Admin;
  let app: INestMicroservice;
  let producer: EventProducer;
  const MAX_ATTEMPTS = 5;
  const OUTAGE_ATTEMPTS = 8;

  beforeAll(async () => {
    admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'transport-test-admin').admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: testTopic(base), numPartitions: 1 }, { topic: testTopic(dlqBase), numPartitions: 1 }] });
    await db.connect();
    const kit = createServiceKit('transport-test', 'silent', createLogger);
    // A real dependency: the poison limit asks it before blaming a record.
    kit.health.register({ name: 'postgres', dependency: true, check: async () => void (await db.query('SELECT 1')) });
    const kafka = createKafka({ brokers: TEST_ENV['KAFKA_BROKERS'].split(','), clientId: 'transport-test', auth: ADMIN_KAFKA_AUTH }, kit.logger);
    producer = new EventProducer(kafka);
    await producer.connect();
    const strategy = new KafkaBatchServer({ kit, kafka, producer, topics: new TopicNames(TEST_ENV['KAFKA_TOPIC_NAMESPACE']), groupId: `${TEST_ENV['KAFKA_GROUP_PREFIX']}.transport-test.${run}`, stuckAfterMs: 60_000, maxAttempts: MAX_ATTEMPTS });

    @Module({ controllers: [TestItemsController], providers: [{ provide: 'OUTAGE_ATTEMPTS', useValue: OUTAGE_ATTEMPTS }] })
    class TestModule {}
    app = await NestFactory.createMicroservice(TestModule, { strategy, logger: false });
    await app.listen();
    await probe.observe([testTopic(dlqBase)]);
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await probe.close();
    await admin?.deleteTopics({ topics: [testTopic(base), testTopic(dlqBase)] }).catch(() => undefined);
    await admin?.disconnect();
    await db.end();
  });

  const send = (items: Item[]) => probe.produce(testTopic(base), items.map((i) => ({ key: 'one-key', value: JSON.stringify(i), headers: { 'x-origin': `item-${i.n}` } })));
  const waitApplied = async (n: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!applied.includes(n)) {
      if (Date.now() > deadline) throw new Error(`item ${n} was not applied within ${timeoutMs} ms; applied: ${applied.join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('dead-letters a record that keeps failing after the attempt limit, with its reason, attempts and origin headers, and its partition moves on', async () => {
    await send([{ n: 1, fail: 'never' }, { n: 2, fail: 'always' }, { n: 3, fail: 'never' }]);
    await waitApplied(3);
    expect(applied).toContain(1);
    expect(applied).not.toContain(2);
    const [letter] = await probe.waitFor((rs) => rs.some((r) => r.headers['x-origin'] === 'item-2'), 10_000, 'the dead letter of item 2');
    const dead = probe.records.filter((r) => r.headers['x-origin'] === 'item-2');
    expect(dead).toHaveLength(1);
    expect(letter.topic).toBe(testTopic(dlqBase));
    expect(dead[0].json()).toEqual({ n: 2, fail: 'always' });
    expect(dead[0].headers[DeadLetterHeaders.reason]).toBe('handler-failed: TypeError: item 2 cannot be applied');
    expect(Number(dead[0].headers[DeadLetterHeaders.attempts])).toBe(MAX_ATTEMPTS);
    expect(dead[0].headers[DeadLetterHeaders.originalTopic]).toBe(testTopic(base));
    expect(dead[0].headers[DeadLetterHeaders.service]).toBe('transport-test');
    // Tried up to the limit, then (when its chunk held others) once more with each half it was in.
    expect(attemptsOf.get(2)).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
    expect(attemptsOf.get(2)).toBeLessThanOrEqual(MAX_ATTEMPTS + 2);
  });

  it('keeps retrying, in order and without a dead letter, a record whose failures are an outage, past the attempt limit', async () => {
    await send([{ n: 10, fail: 'outage' }, { n: 11, fail: 'never' }]);
    await waitApplied(11, 60_000);
    expect(applied.indexOf(10)).toBeLessThan(applied.indexOf(11));
    expect(attemptsOf.get(10)).toBe(OUTAGE_ATTEMPTS + 1);
    expect(probe.records.filter((r) => r.headers['x-origin'] === 'item-10')).toEqual([]);
  });

  it('dead-letters a record that fails its schema at once, and one its handler refuses, and applies the rest of the chunk', async () => {
    await probe.produce(testTopic(base), [{ key: 'one-key', value: '{"n":"twenty"}', headers: { 'x-origin': 'item-20' } }]);
    await send([{ n: 21, fail: 'refuse' }, { n: 22, fail: 'never' }]);
    await waitApplied(22);
    const letters = await probe.waitFor((rs) => ['item-20', 'item-21'].every((o) => rs.some((r) => r.headers['x-origin'] === o)), 10_000, 'dead letters of items 20 and 21');
    const schemaLetter = letters.find((r) => r.headers['x-origin'] === 'item-20');
    expect(schemaLetter?.headers[DeadLetterHeaders.reason]).toMatch(/^schema-violation: .*n/);
    expect(schemaLetter?.headers[DeadLetterHeaders.attempts]).toBe('1');
    expect(letters.find((r) => r.headers['x-origin'] === 'item-21')?.headers[DeadLetterHeaders.reason]).toBe('unknown-item: item 21 is refused by the handler');
    expect(applied).not.toContain(21);
  });
});
