import { CloudEvent, Kafka as KafkaBinding } from 'cloudevents';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookingEventType, CLOUDEVENT_RECORD_HEADERS, CLOUDEVENT_STRUCTURED_CONTENT_TYPE, DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, KafkaProbe, newBooking, type ObservedRecord, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

/** A record as the official CloudEvents SDK's Kafka binding wants it (string headers and value). */
const sdkMessage = (r: ObservedRecord | undefined) => ({ key: r?.key ?? '', value: r?.value ?? '', headers: r?.headers ?? {}, body: undefined });

/**
 * The CloudEvents Kafka protocol binding (structured mode) and the reverse-DNS event types, read
 * from the real broker: what a partner's CloudEvents SDK sees, and the transition from the legacy
 * names (docs/partner-api.md#event-types-and-the-cloudevents-kafka-binding).
 */
describe('CloudEvents on Kafka: structured mode and reverse-DNS types', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);
  const partnerPolicyTopic = testTopic(PartnerTopics.policyEvents('demo'));
  const acceptedTopic = testTopic(Topics.bookingAccepted);
  const dlqTopic = testTopic(Topics.bookingEventsDlq);

  const boundRecord = (topic: string, bookingId: string) =>
    probe.waitFor((rs) => rs.some((r) => r.topic === topic && r.key === bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, `bound on ${topic}`).then((rs) =>
      rs.find((r) => r.topic === topic && r.key === bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'),
    );

  beforeAll(async () => {
    await probe.observe([policyTopic, partnerPolicyTopic, acceptedTopic, dlqTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy']);
  });
  afterAll(async () => {
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('publishes policy events a CloudEvents SDK reads as structured-mode events, on the shared and the partner topic', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    for (const topic of [policyTopic, partnerPolicyTopic]) {
      const record = await boundRecord(topic, b.bookingId);
      expect(record?.headers['content-type']).toBe(CLOUDEVENT_STRUCTURED_CONTENT_TYPE);
      const message = sdkMessage(record);
      expect(KafkaBinding.isEvent(message)).toBe(true);
      const event = KafkaBinding.toEvent(message);
      if (!(event instanceof CloudEvent)) throw new Error(`the SDK read ${JSON.stringify(event)} as a batch, not one structured-mode event`);
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({ specversion: '1.0', type: 'com.kurumacover.policy.bound', source: 'kuruma/policy', subject: b.bookingId, datacontenttype: 'application/json' });
      expect(event.data).toMatchObject({ bookingId: b.bookingId, status: 'bound', partnerId: 'demo' });
    }
  });

  it('marks the internal accepted-booking record as plain JSON, not as a CloudEvent', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1))]);
    const [accepted] = (await probe.waitFor((rs) => rs.some((r) => r.topic === acceptedTopic && r.key === b.bookingId), 30_000, 'accepted')).filter((r) => r.topic === acceptedTopic && r.key === b.bookingId);
    expect(accepted?.headers['content-type']).toBe('application/json');
    expect(KafkaBinding.isEvent(sdkMessage(accepted))).toBe(false);
  });

  it('binds a booking sent with the legacy type names, and emits and forwards only prefixed ones', async () => {
    const b = newBooking();
    const legacy = (type: string, sequence: number) => {
      const event = { ...bookingEvent(b, 'com.kurumacover.booking.created', sequence), type: type as BookingEventType };
      // A partner that has not migrated yet: no content-type header either.
      return { key: event.subject, value: JSON.stringify(event) };
    };
    await probe.produce(bookingTopic, [legacy('booking.created', 1), legacy('booking.confirmed', 2)]);
    const bound = await boundRecord(policyTopic, b.bookingId);
    expect(bound?.json<{ data: { status: string } }>().data.status).toBe('bound');
    const accepted = probe.records.filter((r) => r.topic === acceptedTopic && r.key === b.bookingId).map((r) => r.json<{ event: { type: string } }>().event.type);
    expect(accepted).toEqual(['com.kurumacover.booking.created', 'com.kurumacover.booking.confirmed']);
    const { rows } = await db.query<{ status: string }>('SELECT status FROM policy WHERE booking_id = $1', [b.bookingId]);
    expect(rows).toEqual([{ status: 'bound' }]);
  });

  it('dead-letters an unknown type, legacy-looking or prefixed, with the reason naming the field', async () => {
    const b = newBooking();
    const unknown = (type: string, sequence: number) => ({ key: b.bookingId, value: JSON.stringify({ ...bookingEvent(b, 'com.kurumacover.booking.created', sequence), type }), headers: { ...CLOUDEVENT_RECORD_HEADERS } });
    await probe.produce(bookingTopic, [unknown('booking.teleported', 1), unknown('com.kurumacover.booking.teleported', 1)]);
    const letters = (await probe.waitFor((rs) => rs.filter((r) => r.topic === dlqTopic && r.key === b.bookingId).length >= 2, 30_000, 'two dead letters')).filter(
      (r) => r.topic === dlqTopic && r.key === b.bookingId,
    );
    expect(letters).toHaveLength(2);
    for (const letter of letters) {
      expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/type: must be one of com\.kurumacover\.booking\.created/);
      // The original record, headers included, is kept for a redrive.
      expect(letter.headers['content-type']).toBe(CLOUDEVENT_STRUCTURED_CONTENT_TYPE);
    }
    expect(letters.map((l) => l.headers[DeadLetterHeaders.reason]).join(' ')).toContain('"booking.teleported"');
  });
});
