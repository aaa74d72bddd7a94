import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterHeaders, KafkaPrincipals, PartnerTopics, Topics } from '@kuruma/contracts';
import { provisionPartner } from '../../infra/local/partner-provisioning';
import { ADMIN_KAFKA_AUTH, asMessage, bookingEvent, DEMO_KAFKA_AUTH, kafkaAuthAs, kafkaClientAs, KafkaProbe, newBooking, PlatformProcesses, RIVAL_KAFKA_AUTH, RIVAL_PARTNER_ID, TEST_ENV, testTopic } from '../../tools/harness';

const brokers = TEST_ENV['KAFKA_BROKERS'].split(',');
const ns = TEST_ENV['KAFKA_TOPIC_NAMESPACE'];
const demoBookings = testTopic(PartnerTopics.bookingEvents('demo'));
const demoPolicies = testTopic(PartnerTopics.policyEvents('demo'));
const demoClaims = testTopic(PartnerTopics.claimEvents('demo'));
const rivalBookings = testTopic(PartnerTopics.bookingEvents(RIVAL_PARTNER_ID));

/** What the broker answered, whichever way kafkajs wraps it. */
async function brokerRefusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    const e = error as { type?: string; name?: string; message?: string; cause?: { type?: string }; originalError?: { type?: string } };
    return [e.type, e.cause?.type, e.originalError?.type, e.name, e.message].filter(Boolean).join(' ');
  }
  return 'allowed';
}

async function produceAs(kafka: Kafka, topic: string, messages: { key: string; value: string }[]): Promise<void> {
  // Retries ride out a just-created topic's leader election; refusals are not retriable.
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Joins `groupId` to read `topic`: resolves 'joined', or rejects with why the broker refused. */
async function joinAs(kafka: Kafka, topic: string, groupId: string): Promise<string> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const outcome = new Promise<string>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve('joined'));
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    });
    await consumer.run({ eachMessage: async () => undefined });
    return await outcome;
  } finally {
    await consumer.disconnect();
  }
}

/** Tries to read `topic` from its beginning in a consumer group the principal may use. */
async function readAs(kafka: Kafka, topic: string, groupId: string): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 1 } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Finding 4 (issue 14): the broker authenticates every client and its ACLs confine each partner to
 * its own topics, so a partner can neither publish for another partner nor read another partner's
 * policy and claim events. Runs against the real broker and the real built services.
 */
describe('finding 4: authenticated Kafka with per-partner isolation', () => {
  const platform = new PlatformProcesses({ KAFKA_TOPIC_REDISCOVER_MS: '2000' });
  const observer = new KafkaProbe();
  const demoReaderGroup = `${ns}${PartnerTopics.groupPrefix('demo')}security-${randomUUID().slice(0, 8)}`;
  const demoReader = new KafkaProbe({ observerAuth: DEMO_KAFKA_AUTH, observerGroupId: demoReaderGroup });
  const rival = kafkaClientAs(RIVAL_KAFKA_AUTH, 'rival-partner');
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });

  beforeAll(async () => {
    await observer.observe([testTopic(Topics.bookingEventsDlq), testTopic(Topics.policyEvents)]);
    await demoReader.observe([demoPolicies]);
    await platform.start(['booking-ingest', 'pricing', 'policy']);
  });
  afterAll(async () => {
    await platform.stopAll();
    await observer.close();
    await demoReader.close();
    // The partner's reader group is gone with the test: leave no lagging group behind.
    const admin = kafkaClientAs(ADMIN_KAFKA_AUTH).admin();
    await admin.connect();
    await admin.deleteGroups([demoReaderGroup]).catch(() => undefined);
    await admin.disconnect();
    await db.end();
  });

  describe('authentication', () => {
    it('refuses a client that does not authenticate', async () => {
      const anonymous = new Kafka({ clientId: 'anonymous', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2_000 });
      expect(await brokerRefusal(produceAs(anonymous, demoBookings, [{ key: 'k', value: '{}' }]))).not.toBe('allowed');
      const admin = anonymous.admin();
      expect(await brokerRefusal(admin.connect().then(() => admin.listTopics()))).not.toBe('allowed');
      await admin.disconnect().catch(() => undefined);
    });

    it('refuses a partner principal with a wrong password', async () => {
      const impostor = kafkaClientAs({ ...DEMO_KAFKA_AUTH, password: 'not-the-demo-password' }, 'impostor');
      expect(await brokerRefusal(produceAs(impostor, demoBookings, [{ key: 'k', value: '{}' }]))).toMatch(/SASL|authentication failed/i);
    });
  });

  describe('partner write isolation', () => {
    it("refuses partner B producing to partner A's booking topic (TOPIC_AUTHORIZATION_FAILED)", async () => {
      const b = newBooking();
      expect(await brokerRefusal(produceAs(rival, demoBookings, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1))]))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    });

    it('refuses partner B producing to the shared booking topic, which only the webhook writes', async () => {
      const b = newBooking();
      expect(await brokerRefusal(produceAs(rival, testTopic(Topics.bookingEvents), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1))]))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    });

    it("dead-letters with a reason an event on B's own topic claiming partner A, and binds nothing", async () => {
      const b = newBooking();
      // bookingEvent() writes partnerId "demo": B acting as A on its own topic.
      await produceAs(rival, rivalBookings, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      const letters = await observer.waitFor((rs) => rs.filter((r) => r.key === b.bookingId && r.topic === testTopic(Topics.bookingEventsDlq)).length >= 2, 30_000, 'two dead letters');
      for (const letter of letters.filter((r) => r.key === b.bookingId)) {
        expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/^partner-mismatch: the record was published by partner rival, but the event claims partner demo/);
        expect(letter.headers[DeadLetterHeaders.originalTopic]).toBe(rivalBookings);
      }
      // The ingest has moved past them: nothing of this booking was stored, priced or bound.
      expect((await db.query('SELECT 1 FROM booking_event WHERE booking_id = $1', [b.bookingId])).rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM policy WHERE booking_id = $1', [b.bookingId])).rowCount).toBe(0);
    });

    it("binds A's own events from A's topic, and A reads its com.kurumacover.policy.bound on its own topic", async () => {
      const b = newBooking();
      await produceAs(kafkaClientAs(DEMO_KAFKA_AUTH), demoBookings, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      const seen = await demoReader.waitFor((rs) => rs.some((r) => r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, "com.kurumacover.policy.bound on the partner's topic");
      const bound = seen.find((r) => r.key === b.bookingId);
      expect(bound?.topic).toBe(demoPolicies);
      expect(bound?.json<{ data: { partnerId: string } }>().data.partnerId).toBe('demo');
      expect((await db.query("SELECT 1 FROM policy WHERE booking_id = $1 AND partner_id = 'demo'", [b.bookingId])).rowCount).toBe(1);
    });

    it('consumes the booking topic of a partner onboarded while the ingest runs, without a restart', async () => {
      const partnerId = `late-${randomUUID().slice(0, 6)}`;
      const password = `${partnerId}-test-password`;
      await db.query("INSERT INTO partner (id, name, api_key_hash, webhook_secret) VALUES ($1, $1, $2, 'whsec_bGF0ZQ==') ON CONFLICT DO NOTHING", [partnerId, randomUUID()]);
      await provisionPartner(partnerId, { password }, { ...process.env, ...TEST_ENV });
      const b = newBooking();
      const event = (type: 'com.kurumacover.booking.created' | 'com.kurumacover.booking.confirmed', seq: number) => {
        const e = bookingEvent(b, type, seq);
        const own = { ...e, source: `partner/${partnerId}`, data: { ...e.data, partnerId } };
        return asMessage(own);
      };
      await produceAs(kafkaClientAs(kafkaAuthAs(KafkaPrincipals.partner(partnerId), password)), testTopic(PartnerTopics.bookingEvents(partnerId)), [event('com.kurumacover.booking.created', 1), event('com.kurumacover.booking.confirmed', 2)]);
      await observer.waitFor((rs) => rs.some((r) => r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 45_000, "the new partner's com.kurumacover.policy.bound");
    });
  });

  describe('partner read isolation', () => {
    const rivalGroup = () => `${ns}${PartnerTopics.groupPrefix(RIVAL_PARTNER_ID)}${randomUUID().slice(0, 8)}`;

    it.each([
      ["A's policy events", demoPolicies],
      ["A's claim events", demoClaims],
      ['the shared policy events', testTopic(Topics.policyEvents)],
      ['the shared claim events', testTopic(Topics.claimEvents)],
      ['the internal accepted bookings', testTopic(Topics.bookingAccepted)],
    ])('refuses partner B reading %s (TOPIC_AUTHORIZATION_FAILED)', async (_what, topic) => {
      expect(await brokerRefusal(readAs(rival, topic, rivalGroup()))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    });

    it("refuses partner B joining a consumer group under A's prefix, and lets it join its own", async () => {
      const ownTopic = testTopic(PartnerTopics.policyEvents(RIVAL_PARTNER_ID));
      expect(await brokerRefusal(joinAs(rival, ownTopic, `${ns}${PartnerTopics.groupPrefix('demo')}policy-reader`))).toMatch(/GROUP_AUTHORIZATION_FAILED|group coordinator/i);
      expect(await joinAs(rival, ownTopic, rivalGroup())).toBe('joined');
    });

    it('lists to partner B only its own topics', async () => {
      const admin = rival.admin();
      await admin.connect();
      const visible = await admin.listTopics();
      await admin.disconnect();
      expect(visible.filter((t) => t.startsWith(ns)).sort()).toEqual(
        [PartnerTopics.bookingEvents(RIVAL_PARTNER_ID), PartnerTopics.claimEvents(RIVAL_PARTNER_ID), PartnerTopics.policyEvents(RIVAL_PARTNER_ID)].map(testTopic).sort(),
      );
    });
  });

  describe('service least privilege', () => {
    it('refuses a service principal writing a topic it does not own (pricing -> policy events)', async () => {
      const pricing = kafkaClientAs(kafkaAuthAs(KafkaPrincipals.service('pricing')), 'pricing-impostor');
      expect(await brokerRefusal(produceAs(pricing, testTopic(Topics.policyEvents), [{ key: 'k', value: '{}' }]))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    });
  });
});
