import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaPrincipals, Topics } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import { createKafka, enqueueOutbox, EventProducer, OutboxRelay } from '@kuruma/data-access-messaging';
import { kafkaAuthAs, TEST_ENV, testTopic } from '../../tools/harness';

const DAY = 24 * 3_600_000;

describe('outbox relay (real Postgres and Kafka)', () => {
  const producerName = `test-relay-${randomUUID().slice(0, 8)}`;
  const logger = pino({ level: 'silent' });
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 4 });
  const kafka = new EventProducer(createKafka({ brokers: TEST_ENV['KAFKA_BROKERS'].split(','), clientId: producerName, auth: kafkaAuthAs(KafkaPrincipals.service('pricing')) }, logger));

  beforeAll(() => kafka.connect());
  afterAll(async () => {
    await kafka.disconnect();
    await db.end();
  });

  const rows = () =>
    db.$queryRaw<{ event_id: string; published: boolean }[]>`
      SELECT event_id, published_at IS NOT NULL AS published FROM outbox WHERE producer = ${producerName} ORDER BY id`;

  it('publishes what is pending and deletes only published rows past the retention period', async () => {
    const entry = (n: number) => ({ topic: testTopic(Topics.bookingAcceptedDlq), key: `k-${n}`, eventId: `${producerName}-${n}`, payload: `{"n":${n}}` });
    await db.$transaction((tx) => enqueueOutbox(tx, producerName, [1, 2, 3, 4].map(entry)));
    // 1 and 2 were published ten days ago, 3 an hour ago; 4 is still waiting.
    await db.$executeRaw`UPDATE outbox SET published_at = now() - interval '10 days' WHERE producer = ${producerName} AND event_id = ANY(${[entry(1).eventId, entry(2).eventId]})`;
    await db.$executeRaw`UPDATE outbox SET published_at = now() - interval '1 hour' WHERE producer = ${producerName} AND event_id = ${entry(3).eventId}`;

    let pruned = 0;
    const relay = new OutboxRelay({ producer: producerName, db, databaseUrl: TEST_ENV['DATABASE_URL'], kafka, logger, retentionMs: 7 * DAY, pruneIntervalMs: 0, onPruned: (n) => (pruned += n) });
    await relay.start();
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (pruned < 2 || (await rows()).some((r) => !r.published))) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await relay.stop();
    }
    expect(pruned).toBe(2);
    expect(await rows()).toEqual([
      { event_id: entry(3).eventId, published: true },
      { event_id: entry(4).eventId, published: true },
    ]);
  });

  it('publishes rows committed while it is busy without waiting for its fallback poll', async () => {
    // The fallback poll is an hour: every row must reach Kafka through the commit notifications,
    // including those that arrive while the relay is reading, sending or marking a batch.
    const name = `${producerName}-busy`;
    const relay = new OutboxRelay({ producer: name, db, databaseUrl: TEST_ENV['DATABASE_URL'], kafka, logger, pollIntervalMs: 3_600_000 });
    await relay.start();
    const pending = () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${name} AND published_at IS NULL`;
    try {
      // 200 small transactions from four writers at once, as a consumer's chunks commit.
      await Promise.all(
        [0, 1, 2, 3].map(async (writer) => {
          for (let i = 0; i < 50; i++) {
            const n = writer * 50 + i;
            await db.$transaction((tx) => enqueueOutbox(tx, name, [{ topic: testTopic(Topics.bookingAcceptedDlq), key: `k-${n}`, eventId: `${name}-${n}`, payload: `{"n":${n}}` }]));
          }
        }),
      );
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await pending())[0].n > 0) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await relay.stop();
    }
    expect((await pending())[0].n).toBe(0);
  });

  it('reads on after a full batch, without a notification, until the backlog is out', async () => {
    // 35 rows committed before the relay starts (their notifications went to no one), batches of
    // 10, and a fallback poll of an hour: only reading on after each full batch publishes them all.
    const name = `${producerName}-backlog`;
    await db.$transaction((tx) => enqueueOutbox(tx, name, Array.from({ length: 35 }, (_, n) => ({ topic: testTopic(Topics.bookingAcceptedDlq), key: `k-${n}`, eventId: `${name}-${n}`, payload: `{"n":${n}}` }))));
    const relay = new OutboxRelay({ producer: name, db, databaseUrl: TEST_ENV['DATABASE_URL'], kafka, logger, pollIntervalMs: 3_600_000, batchSize: 10 });
    const pending = () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${name} AND published_at IS NULL`;
    await relay.start();
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await pending())[0].n > 0) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await relay.stop();
    }
    expect((await pending())[0].n).toBe(0);
  });
});
