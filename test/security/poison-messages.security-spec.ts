import { randomUUID } from 'node:crypto';
import type mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, DeviceGateways, discardIntakeSessions, KafkaProbe, newBooking, type ObservedRecord, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

const STUCK_AFTER_MS = 3_000;

/**
 * A hostile or careless partner or device sends what Postgres cannot store (NUL, lone surrogates,
 * invalid UTF-8, numbers out of range, megabytes of it) or alerts from years ago. Each is refused
 * or dead-lettered with its reason, and the next message on the same partition or intake applies.
 */
describe('poison messages never stop intake (findings 5 and 6)', () => {
  // One intake connection: a poison alert that blocked it would block every later alert.
  const platform = new PlatformProcesses({ CONSUMER_STUCK_AFTER_MS: String(STUCK_AFTER_MS), MQTT_INTAKE_CONNECTIONS: '1' });
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  // The demo partner publishes on its own booking topic (finding 4).
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);
  const bookingDlq = testTopic(Topics.bookingEventsDlq);
  const deviceDlq = testTopic(Topics.deviceSignalsDlq);
  const claimTopic = testTopic(Topics.claimEvents);
  const gateways = new DeviceGateways('sec-gw');

  const waitForBound = (bookingId: string) =>
    probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, `com.kurumacover.policy.bound for ${bookingId}`);
  const waitForDeadLetter = async (topic: string, key: string): Promise<ObservedRecord> => {
    const records = await probe.waitFor((rs) => rs.some((r) => r.topic === topic && r.key === key), 30_000, `dead letter of ${key} on ${topic}`);
    return records.find((r) => r.topic === topic && r.key === key) as ObservedRecord;
  };
  const ready = async (app: 'booking-ingest') => {
    const res = await fetch(`${baseUrl(app)}/health/ready`);
    return { status: res.status, body: (await res.json()) as { checks: { name: string; status: string; error?: string }[] } };
  };

  async function connectDevice(vehicleId: string): Promise<{ deviceId: string; client: mqtt.MqttClient }> {
    const creds = await gateways.register(vehicleId);
    return { deviceId: creds.deviceId, client: await gateways.connect(creds) };
  }

  beforeAll(async () => {
    // Earlier files ran 16 intake connections; with one, claims-trigger would take over and drain
    // their leftover sessions at start (all their queued alerts at once, on a pool sized for one).
    await discardIntakeSessions();
    await probe.observe([policyTopic, bookingDlq, deviceDlq, claimTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  describe('finding 5: a booking event with NUL', () => {
    it('is refused over HTTP with 400 problem+json naming the field', async () => {
      const event = bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1);
      event.data.vehicle.category = 'ordinary\u0000';
      const res = await fetch(`${baseUrl('booking-ingest')}/v1/booking-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
        body: JSON.stringify(event),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors).toEqual([{ field: 'data.vehicle.category', message: expect.stringMatching(/U\+0000/) }]);
    });

    it('is refused in a quote request over HTTP too, and so is an unpaired surrogate', async () => {
      const { data } = bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1);
      const { sequence: _sequence, ...request } = data;
      const res = await fetch(`${baseUrl('pricing')}/v1/quotes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
        body: JSON.stringify({ ...request, vehicle: { ...request.vehicle, category: 'small\ud800' } }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['vehicle.category']);
    });

    it('is dead-lettered with the reason over Kafka, and the next event on the same partition binds', async () => {
      const b = newBooking();
      const poison = bookingEvent(b, 'com.kurumacover.booking.created', 1);
      poison.data.vehicle.category = 'ordinary\u0000';
      await probe.produce(bookingTopic, [asMessage(poison), asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      await waitForBound(b.bookingId);
      const dead = await waitForDeadLetter(bookingDlq, b.bookingId);
      expect(dead.headers[DeadLetterHeaders.reason]).toMatch(/^schema-violation: data\.vehicle\.category: must not contain U\+0000/);
      expect(dead.bytes.equals(Buffer.from(asMessage(poison).value))).toBe(true);
    });
  });

  describe('finding 5: records the database refuses', () => {
    it('dead-letters a record that passes the schema but fails in Postgres (sequence beyond int4: 22003), and the partition moves on', async () => {
      const b = newBooking();
      const refused = bookingEvent(b, 'com.kurumacover.booking.created', 2 ** 31);
      await probe.produce(bookingTopic, [asMessage(refused), asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      await waitForBound(b.bookingId);
      const dead = await waitForDeadLetter(bookingDlq, b.bookingId);
      expect(dead.headers[DeadLetterHeaders.reason]).toMatch(/^database-rejected: 22003 /);
      expect(dead.json<{ id: string }>().id).toBe(refused.id);
      const stored = await db.query('SELECT sequence FROM booking_event WHERE booking_id = $1 ORDER BY sequence', [b.bookingId]);
      expect(stored.rows.map((r) => r.sequence)).toEqual([1, 2]);
    });

    it('dead-letters a 6 MiB record of invalid UTF-8 and NUL bytes unchanged, and the partition moves on', async () => {
      const b = newBooking();
      // As large as the ingest topic accepts: its dead letter (the x-dlq-* headers added) is larger.
      const junk = Buffer.alloc(6 * 1024 * 1024 - 256, 0x41);
      junk.set([0x00, 0xff, 0xfe, 0xc3, 0x28], 1_000);
      // Alone in its produce request: the topic's limit applies to the whole record batch.
      await probe.produce(bookingTopic, [{ key: b.bookingId, value: junk }]);
      await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      await waitForBound(b.bookingId);
      const dead = await waitForDeadLetter(bookingDlq, b.bookingId);
      expect(dead.headers[DeadLetterHeaders.reason]).toBe('invalid-utf8: the payload is not valid UTF-8');
      expect(dead.bytes.equals(junk)).toBe(true);
    }, 90_000);
  });

  describe('finding 5: a consumer stuck on one record', () => {
    it('reports not ready naming topic, partition and offset, raises kuruma_consumer_stuck_seconds, and recovers when it moves on', async () => {
      expect((await ready('booking-ingest')).status).toBe(200);
      const b = newBooking();
      const blocker = await db.connect();
      try {
        // Postgres holds every write to booking_event: the consumer's chunk hangs on the same record.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE booking_event IN ACCESS EXCLUSIVE MODE');
        await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
        await expect.poll(async () => (await ready('booking-ingest')).status, { timeout: STUCK_AFTER_MS + 10_000, interval: 250 }).toBe(503);
        const consumer = (await ready('booking-ingest')).body.checks.find((c) => c.name.startsWith('consumer:'));
        expect(consumer?.error).toMatch(new RegExp(`stuck on ${bookingTopic.replace(/\./g, '\\.')}\\[\\d\\] at offset \\d+ for \\d+ s`));
        const metrics = await (await fetch(`${baseUrl('booking-ingest')}/metrics`)).text();
        const stuckSeconds = Number(/^kuruma_consumer_stuck_seconds\{[^}]*consumer="[^"]*booking-ingest"[^}]*\} (\S+)$/m.exec(metrics)?.[1]);
        expect(stuckSeconds).toBeGreaterThan(STUCK_AFTER_MS / 1000);
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      await waitForBound(b.bookingId);
      await expect.poll(async () => (await ready('booking-ingest')).status, { timeout: 10_000, interval: 250 }).toBe(200);
    });
  });

  describe('finding 5: a crash payload Postgres cannot store as text', () => {
    it('dead-letters NUL bytes and invalid UTF-8 byte for byte, and the next alert on the same intake is applied', async () => {
      const vehicleId = `sec-v-${randomUUID().slice(0, 8)}`;
      const { deviceId, client } = await connectDevice(vehicleId);
      const nul = Buffer.from(`{"eventId":"${randomUUID()}","occurredAt":"${new Date().toISOString()}","peakG":3.2,"accidentId":"a\u0000b"}`);
      const invalidUtf8 = Buffer.concat([Buffer.from(`{"eventId":"${randomUUID()}","occurredAt":"${new Date().toISOString()}","peakG":3.2,"accidentId":"`), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('"}')]);
      await client.publishAsync(`devices/${deviceId}/crash`, nul, { qos: 1 });
      await client.publishAsync(`devices/${deviceId}/crash`, invalidUtf8, { qos: 1 });
      await client.publishAsync(`devices/${deviceId}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.0 }), { qos: 1 });

      await expect.poll(async () => (await db.query('SELECT kind FROM incident WHERE vehicle_id = $1', [vehicleId])).rows, { timeout: 20_000 }).toEqual([{ kind: 'uncovered' }]);
      const dead = (await db.query('SELECT reason, payload FROM dead_letter WHERE source = $1', [`devices/${deviceId}/crash`])).rows as { reason: string; payload: Buffer }[];
      expect(dead).toHaveLength(2);
      expect(dead.find((d) => d.payload.equals(nul))?.reason).toMatch(/^invalid-json: /);
      expect(dead.find((d) => d.payload.equals(invalidUtf8))?.reason).toBe('invalid-utf8: the payload is not valid UTF-8');
      const records = await probe.waitFor((rs) => rs.filter((r) => r.topic === deviceDlq && r.key === deviceId).length === 2, 20_000, 'two device dead letters');
      const onTopic = records.filter((r) => r.topic === deviceDlq && r.key === deviceId);
      expect(onTopic.map((r) => r.bytes.toString('hex')).sort()).toEqual([nul, invalidUtf8].map((b) => b.toString('hex')).sort());
    });
  });

  describe('finding 5: lock telemetry Postgres cannot store, or too large', () => {
    it("dead-letters a lock message with a NUL, a lone surrogate or a huge value, and the device's next lock state is still written", async () => {
      const vehicleId = `sec-v-${randomUUID().slice(0, 8)}`;
      const { deviceId, client } = await connectDevice(vehicleId);
      const at = () => new Date().toISOString();
      const hostile = [
        JSON.stringify({ eventId: `e\u0000${randomUUID()}`, occurredAt: at(), kind: 'locked' }),
        JSON.stringify({ eventId: `e\ud800${randomUUID()}`, occurredAt: at(), kind: 'locked' }),
        JSON.stringify({ eventId: `e${'x'.repeat(200_000)}`, occurredAt: at(), kind: 'locked' }),
      ];
      for (const payload of hostile) await client.publishAsync(`devices/${deviceId}/lock`, payload, { qos: 1 });
      await client.publishAsync(`devices/${deviceId}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: at(), kind: 'unlocked' }), { qos: 1 });

      await expect.poll(async () => (await db.query('SELECT lock_state FROM vehicle_state WHERE vehicle_id = $1', [vehicleId])).rows[0]?.lock_state, { timeout: 20_000 }).toBe('unlocked');
      // Lock messages are applied in any order: the refusals may land just after the good one.
      const reasons = async () => ((await db.query('SELECT reason FROM dead_letter WHERE source = $1', [`devices/${deviceId}/lock`])).rows as { reason: string }[]).map((r) => r.reason);
      await expect.poll(async () => (await reasons()).length, { timeout: 20_000 }).toBe(hostile.length);
      for (const reason of await reasons()) expect(reason).toMatch(/^schema-violation: /);
    });
  });

  describe('finding 6: an alert years in the past', () => {
    it('is dead-lettered with its reason, not stored as an incident', async () => {
      const vehicleId = `sec-v-${randomUUID().slice(0, 8)}`;
      const { deviceId, client } = await connectDevice(vehicleId);
      await client.publishAsync(`devices/${deviceId}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: '2021-03-01T10:00:00+09:00', peakG: 3.4 }), { qos: 1 });
      // A later, on-time alert proves the old one was handled before it.
      await client.publishAsync(`devices/${deviceId}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: 'locked' }), { qos: 1 });
      await expect.poll(async () => (await db.query('SELECT lock_state FROM vehicle_state WHERE vehicle_id = $1', [vehicleId])).rows[0]?.lock_state, { timeout: 20_000 }).toBe('locked');

      const dead = (await db.query('SELECT reason FROM dead_letter WHERE source = $1', [`devices/${deviceId}/crash`])).rows;
      expect(dead).toEqual([{ reason: expect.stringMatching(/^late-timestamp: occurredAt 2021-03-01T10:00:00\+09:00 is more than 604800000 ms before its receipt/) }]);
      expect((await db.query('SELECT count(*)::int AS n FROM incident WHERE vehicle_id = $1', [vehicleId])).rows[0].n).toBe(0);
    });
  });
});
