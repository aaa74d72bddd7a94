import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaPrincipals, Topics } from '@kuruma/contracts';
import { credit, debit, type JournalEntry } from '@kuruma/domain-ledger';
import { SqlDatabase } from '@kuruma/data-access-db';
import { createKafka, enqueueOutbox, EventProducer, OutboxRelay, outboxChannel } from '@kuruma/data-access-messaging';
import { ADMIN_KAFKA_AUTH, KafkaProbe, kafkaAuthAs, TEST_ENV, testTopic, waitUntil } from '../../tools/harness';

const DAY = 24 * 3_600_000;

describe('outbox relay (real Postgres and Kafka)', () => {
  const producerName = `test-relay-${randomUUID().slice(0, 8)}`;
  const logger = pino({ level: 'silent' });
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 4 });
  const kafka = new EventProducer(createKafka({ brokers: TEST_ENV['KAFKA_BROKERS'].split(','), clientId: producerName, auth: kafkaAuthAs(KafkaPrincipals.service('pricing')) }, logger));

  const probe = new KafkaProbe({ producerAuth: ADMIN_KAFKA_AUTH });
  const topic = testTopic(Topics.bookingAcceptedDlq);

  beforeAll(async () => {
    await kafka.connect();
    await probe.observe([topic]);
  });
  afterAll(async () => {
    await probe.close();
    await kafka.disconnect();
    await db.end();
  });

  /** The records observed on the test topic whose key starts with `prefix`, in the order observed. */
  const observed = (prefix: string) => probe.records.filter((r) => r.topic === topic && r.key?.startsWith(prefix));
  /** A relay that has taken the lead and made its first read (what was pending before it started). */
  const leadingRelay = async (producer: string, counts: { reads: number; handedOver: number; read: number }) => {
    const relay = new OutboxRelay({
      producer, db, databaseUrl: TEST_ENV['DATABASE_URL'], kafka, logger, pollIntervalMs: 3_600_000,
      onRead: () => (counts.reads += 1),
      onPublished: (n, _oldest, read) => (read ? (counts.read += n) : (counts.handedOver += n)),
    });
    await relay.start();
    expect(await waitUntil(() => relay.isLeader() && counts.reads >= 1, 20_000)).toBe(true);
    return relay;
  };

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

  it("sends its own writers' rows as they committed them, without reading them back", async () => {
    // Text with headers, and bytes that are not UTF-8 (a dead letter's payload): what Kafka gets
    // from memory must be what a read of the rows would have sent.
    const name = `${producerName}-handoff`;
    const counts = { reads: 0, handedOver: 0, read: 0 };
    const relay = await leadingRelay(name, counts);
    const readsBefore = counts.reads;
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41]);
    try {
      for (let i = 0; i < 20; i++) {
        await db.$transaction((tx) =>
          enqueueOutbox(tx, name, [
            { topic, key: `${name}-a`, eventId: `${name}-a-${i}`, payload: `{"n":${i}}`, headers: { traceparent: `00-${'1'.repeat(32)}-${String(i).padStart(16, '0')}-01` } },
            { topic, key: `${name}-b`, eventId: `${name}-b-${i}`, payload: Buffer.concat([bytes, Buffer.from([i])]) },
          ]),
        );
      }
      await waitUntil(() => observed(name).length >= 40, 20_000);
    } finally {
      await relay.stop();
    }
    const a = observed(`${name}-a`);
    expect(a.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => `{"n":${i}}`));
    expect(a.map((r) => r.headers['traceparent'])).toEqual(Array.from({ length: 20 }, (_, i) => `00-${'1'.repeat(32)}-${String(i).padStart(16, '0')}-01`));
    expect(observed(`${name}-b`).map((r) => r.bytes.toString('hex'))).toEqual(Array.from({ length: 20 }, (_, i) => Buffer.concat([bytes, Buffer.from([i])]).toString('hex')));
    expect(counts).toMatchObject({ reads: readsBefore, handedOver: 40, read: 0 });
    expect(relay.heldRows()).toBe(0);
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${name} AND published_at IS NULL`;
    expect(n).toBe(0);
  });

  it("reads another process's commits in between, keeps each key's order, and never sends a rolled-back row", async () => {
    const name = `${producerName}-mixed`;
    const counts = { reads: 0, handedOver: 0, read: 0 };
    const relay = await leadingRelay(name, counts);
    const key = `${name}-v1`;
    const entry = (id: string) => ({ topic, key, eventId: `${name}-${id}`, payload: `{"id":"${id}"}` });
    /** What another instance of the service commits: its rows, announced with a token this process never held. */
    const foreignCommit = (id: string) =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO outbox (producer, topic, key, event_id, payload) VALUES (${name}, ${topic}, ${key}, ${`${name}-${id}`}, ${`{"id":"${id}"}`})`;
        await tx.$queryRaw`SELECT pg_notify(${outboxChannel(name)}, ${`another-process.${id}`})::text AS woken`;
      });
    try {
      await expect(
        db.$transaction(async (tx) => {
          await enqueueOutbox(tx, name, [entry('rolled-back')]);
          throw new Error('the effect failed after its events were written');
        }),
      ).rejects.toThrow('the effect failed');
      for (let round = 0; round < 5; round++) {
        await db.$transaction((tx) => enqueueOutbox(tx, name, [entry(`local-${round}-1`)]));
        await foreignCommit(`foreign-${round}`);
        await db.$transaction((tx) => enqueueOutbox(tx, name, [entry(`local-${round}-2`)]));
      }
      await waitUntil(() => observed(key).length >= 15, 20_000);
      // Long enough for a late send of the rolled-back row to show.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await relay.stop();
    }
    const expected = [0, 1, 2, 3, 4].flatMap((round) => [`local-${round}-1`, `foreign-${round}`, `local-${round}-2`]);
    expect(observed(key).map((r) => JSON.parse(r.value).id)).toEqual(expected);
    // A foreign commit makes the relay read; what it read of this process's held rows is not sent twice.
    expect(counts.reads).toBeGreaterThan(1);
    expect(counts.handedOver + counts.read).toBe(15);
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${name} AND event_id = ${`${name}-rolled-back`}`;
    expect(n).toBe(0);
  });

  it('marks what it sent in one statement per delay, and all of it before it stops', async () => {
    // A mark delay of a minute: rows on Kafka stay unmarked (left out of its reads, so not sent
    // again) until the relay stops, which marks them, so a successor does not send them again.
    const name = `${producerName}-marks`;
    const relay = new OutboxRelay({ producer: name, db, databaseUrl: TEST_ENV['DATABASE_URL'], kafka, logger, pollIntervalMs: 3_600_000, markDelayMs: 60_000 });
    const unmarked = async () => (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${name} AND published_at IS NULL`)[0].n;
    await relay.start();
    try {
      expect(await waitUntil(() => relay.isLeader(), 20_000)).toBe(true);
      for (let i = 0; i < 10; i++) await db.$transaction((tx) => enqueueOutbox(tx, name, [{ topic, key: `${name}-k`, eventId: `${name}-${i}`, payload: `{"n":${i}}` }]));
      // Another process's commit makes the relay read: what it sent and has not marked is not read again.
      await db.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO outbox (producer, topic, key, event_id, payload) VALUES (${name}, ${topic}, ${`${name}-k`}, ${`${name}-foreign`}, '{"n":10}')`;
        await tx.$queryRaw`SELECT pg_notify(${outboxChannel(name)}, 'another-process')::text AS woken`;
      });
      expect(await waitUntil(() => observed(name).length >= 11, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(await unmarked()).toBe(11);
    } finally {
      await relay.stop();
    }
    expect(observed(name).map((r) => JSON.parse(r.value).n)).toEqual(Array.from({ length: 11 }, (_, n) => n));
    expect(await unmarked()).toBe(0);
  });

  it('posts journal entries in the statement of the events: both or neither, each once, on the business day given', async () => {
    const name = `${producerName}-posting`;
    const entry = (source: string, debitYen = 700): JournalEntry => ({
      sourceEventId: `${name}-${source}`, rule: 'partner-remittance', partnerId: 'demo', policyId: null, claimId: null, tariffVersion: null,
      businessAt: new Date('2031-04-10T12:00:00+09:00'), coverStart: null, coverEnd: null, reductionYen: 0, lines: [debit('1000', debitYen), credit('1100', 700)],
    });
    const event = (source: string) => ({ topic, key: `${name}-k`, eventId: `${name}-${source}`, payload: `{"source":"${source}"}` });
    const state = async (source: string) => {
      const [row] = await db.$queryRaw<{ events: number; entries: number; lines: number; period_day: string | null }[]>`
        SELECT (SELECT count(*)::int FROM outbox WHERE producer = ${name} AND event_id = ${`${name}-${source}`}) AS events,
               (SELECT count(*)::int FROM ledger_entry WHERE source_event_id = ${`${name}-${source}`}) AS entries,
               (SELECT count(*)::int FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id WHERE e.source_event_id = ${`${name}-${source}`}) AS lines,
               (SELECT period_day FROM ledger_entry WHERE source_event_id = ${`${name}-${source}`}) AS period_day`;
      return row;
    };
    const write = (source: string, debitYen?: number) =>
      db.$transaction((tx) => enqueueOutbox(tx, name, [event(source)], { entries: [entry(source, debitYen)], businessNow: new Date('2031-04-10T13:00:00+09:00') }));

    await write('posted');
    await write('posted'); // a redelivered change: nothing twice
    expect(await state('posted')).toEqual({ events: 1, entries: 1, lines: 2, period_day: '2031-04-10' });

    await expect(
      db.$transaction(async (tx) => {
        await enqueueOutbox(tx, name, [event('rolled-back')], { entries: [entry('rolled-back')] });
        throw new Error('the effect failed');
      }),
    ).rejects.toThrow('the effect failed');
    expect(await state('rolled-back')).toEqual({ events: 0, entries: 0, lines: 0, period_day: null });

    // An entry whose lines do not balance is refused at commit, and its events go with it.
    await expect(write('unbalanced', 699)).rejects.toThrow();
    expect(await state('unbalanced')).toEqual({ events: 0, entries: 0, lines: 0, period_day: null });
  });
});
