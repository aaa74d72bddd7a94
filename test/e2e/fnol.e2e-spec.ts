import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDEVENT_STRUCTURED_CONTENT_TYPE, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, coveredVehicle as coverNow, type DeviceCredentials, DeviceGateways, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

/**
 * A car's gateway, registered through the partner API, publishes over MQTT with its own
 * credentials; claims open on the policy in force at the instant of the crash.
 */
describe('crash and lock alerts open FNOL claims on the policy in force', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const claimTopic = testTopic(Topics.claimEvents);
  const policyTopic = testTopic(Topics.policyEvents);
  const gateways = new DeviceGateways('e2e-gw');
  const registerDevice = (vehicleId: string) => gateways.register(vehicleId);
  const connectDevice = async (creds: DeviceCredentials) => {
    const client = await gateways.connect(creds);
    deviceIds.set(client, creds.deviceId);
    return client;
  };
  // Topics carry the bare device id; the MQTT client id is the device account's ({prefix}{deviceId}).
  const deviceIds = new Map<mqtt.MqttClient, string>();
  const idOf = (device: mqtt.MqttClient): string => deviceIds.get(device) ?? '';

  const coveredVehicle = () => coverNow(probe);

  const claimEvents = (vehicleId: string) =>
    probe.records.filter((r) => r.topic === claimTopic && r.key === vehicleId).map((r) => r.json<{ type: string; data: Record<string, unknown> }>());
  const waitForClaimEvent = (vehicleId: string, type: string, count = 1) =>
    probe.waitFor((rs) => rs.filter((r) => r.topic === claimTopic && r.key === vehicleId && r.json<{ type: string }>().type === type).length >= count, 20_000, `${count} x ${type} for ${vehicleId}`);
  const crash = (extra: Record<string, unknown>) => JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), ...extra });

  beforeAll(async () => {
    await probe.observe([claimTopic, policyTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('opens one provisional major claim on the bound policy for a hard crash, with reserve and coverages', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 3.4, speedKmh: 42, location: { lat: 35.68, lon: 139.76 } }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');

    const { rows } = await db.query('SELECT c.*, p.booking_id AS policy_booking FROM claim c JOIN policy p ON p.id = c.policy_id WHERE c.vehicle_id = $1', [vehicleId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'provisional', severity: 'major', vehicle_id: vehicleId });
    expect(rows[0].reserve_yen).toBeGreaterThan(0);
    expect(rows[0].coverages).toContain('bodily-injury-liability');
    const [opened] = claimEvents(vehicleId);
    expect(opened?.data).toMatchObject({ claimNumber: rows[0].claim_number, severity: 'major', status: 'provisional', policyNumber: rows[0].policy_number });
    // A structured-mode CloudEvent (Kafka protocol binding): what CloudEvents SDKs look for.
    const record = probe.records.find((r) => r.topic === claimTopic && r.key === vehicleId);
    expect(record?.headers['content-type']).toBe(CLOUDEVENT_STRUCTURED_CONTENT_TYPE);
  });

  it('joins signals of one accident into one claim and ignores a redelivered alert', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    const topic = `devices/${idOf(device)}/crash`;
    const first = crash({ peakG: 2.8 });
    await device.publishAsync(topic, first, { qos: 1 });
    await device.publishAsync(topic, crash({ peakG: 1.7 }), { qos: 1 });
    await device.publishAsync(topic, first, { qos: 1 }); // the gateway resends the same alert
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.signal-attached');
    // A lock message after the alerts proves every earlier message was handled.
    await device.publishAsync(`devices/${idOf(device)}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: 'locked' }), { qos: 1 });
    await expect.poll(async () => (await db.query('SELECT lock_state FROM vehicle_state WHERE vehicle_id = $1', [vehicleId])).rows[0]?.lock_state, { timeout: 10_000 }).toBe('locked');

    const claims = (await db.query('SELECT id FROM claim WHERE vehicle_id = $1', [vehicleId])).rows;
    expect(claims).toHaveLength(1);
    const signals = (await db.query('SELECT count(*)::int AS n FROM claim_signal WHERE claim_id = $1', [claims[0].id])).rows[0].n;
    expect(signals).toBe(2);
    expect(claimEvents(vehicleId).filter((e) => e.type === 'com.kurumacover.claim.fnol-opened')).toHaveLength(1);
  });

  it('withdraws a provisional claim when the same accident reports score 0 (a false alarm)', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    const accidentId = `acc-${randomUUID().slice(0, 8)}`;
    await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 2.9, accidentId, score: 70 }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');
    await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 2.9, accidentId, score: 0 }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.withdrawn');
    expect((await db.query('SELECT status FROM claim WHERE vehicle_id = $1', [vehicleId])).rows).toEqual([{ status: 'withdrawn' }]);
  });

  it('opens a theft claim for a forced entry', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    await device.publishAsync(`devices/${idOf(device)}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: 'forced_entry' }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');
    expect((await db.query('SELECT severity FROM claim WHERE vehicle_id = $1', [vehicleId])).rows).toEqual([{ severity: 'theft' }]);
  });

  it('records an uncovered incident, not a claim, when no policy was in force', async () => {
    const vehicleId = `e2e-uncovered-${randomUUID().slice(0, 8)}`;
    const device = await connectDevice(await registerDevice(vehicleId));
    await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 3.0 }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.incident.uncovered');
    expect((await db.query('SELECT count(*)::int AS n FROM claim WHERE vehicle_id = $1', [vehicleId])).rows[0].n).toBe(0);
    expect((await db.query("SELECT kind FROM incident WHERE vehicle_id = $1", [vehicleId])).rows).toEqual([{ kind: 'uncovered' }]);
  });

  it('dead-letters an unreadable alert with its reason and keeps handling the device', async () => {
    const vehicleId = await coveredVehicle();
    const creds = await registerDevice(vehicleId);
    const device = await connectDevice(creds);
    await device.publishAsync(`devices/${creds.deviceId}/crash`, '{"eventId": 42, "peakG": "hard"', { qos: 1 });
    await device.publishAsync(`devices/${creds.deviceId}/crash`, crash({ peakG: 2.6 }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');
    const dead = (await db.query('SELECT reason FROM dead_letter WHERE source LIKE $1', [`%${creds.deviceId}%`])).rows;
    expect(dead).toHaveLength(1);
    expect(dead[0].reason).toMatch(/json/i);
  });

  it('loses no alert published while claims-trigger is down (kill -9): the persistent session delivers it after restart', async () => {
    const vehicleId = await coveredVehicle();
    const creds = await registerDevice(vehicleId);
    const device = await connectDevice(creds);
    await platform.kill('claims-trigger');
    await device.publishAsync(`devices/${creds.deviceId}/crash`, crash({ peakG: 3.1 }), { qos: 1 });
    await platform.restart('claims-trigger');
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');
    expect((await db.query('SELECT count(*)::int AS n FROM claim WHERE vehicle_id = $1', [vehicleId])).rows[0].n).toBe(1);
  });

  it('records a crash one minute after the booking ended as an uncovered incident, not a claim', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
    const endedAt = jstMinutesFromNow(1);
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.ended', 4, { endedAt })),
    ]);
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.ended'), 30_000, 'com.kurumacover.policy.ended');
    const device = await connectDevice(await registerDevice(b.vehicleId));
    const oneMinuteAfter = new Date(Date.parse(endedAt) + 60_000).toISOString();
    await device.publishAsync(`devices/${idOf(device)}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: oneMinuteAfter, peakG: 3.2 }), { qos: 1 });
    await waitForClaimEvent(b.vehicleId, 'com.kurumacover.incident.uncovered');
    expect((await db.query('SELECT count(*)::int AS n FROM claim WHERE vehicle_id = $1', [b.vehicleId])).rows[0].n).toBe(0);
  });

  it('makes one claim with 20 signals from 20 alerts of one accident in 10 seconds', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    for (let i = 0; i < 20; i++) {
      await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 1.6 + (i % 10) / 10 }), { qos: 1 });
      await new Promise((r) => setTimeout(r, 500));
    }
    await expect
      .poll(async () => (await db.query('SELECT count(*)::int AS n FROM claim_signal s JOIN claim c ON c.id = s.claim_id WHERE c.vehicle_id = $1', [vehicleId])).rows[0].n, { timeout: 15_000 })
      .toBe(20);
    expect((await db.query('SELECT count(*)::int AS n FROM claim WHERE vehicle_id = $1', [vehicleId])).rows[0].n).toBe(1);
  });

  it('refuses an unregistered device at the broker', async () => {
    await expect(
      mqtt.connectAsync(TEST_ENV['MQTT_URL'], { protocolVersion: 5, clientId: `e2e-unknown-${randomUUID().slice(0, 8)}`, username: 'e2e-unknown', password: 'not-a-device-password', reconnectPeriod: 0 }),
    ).rejects.toThrow();
  });

  it('declines a new booking on a vehicle with an open damage claim (vehicle-damage-unresolved)', async () => {
    const vehicleId = await coveredVehicle();
    const device = await connectDevice(await registerDevice(vehicleId));
    await device.publishAsync(`devices/${idOf(device)}/crash`, crash({ peakG: 3.0 }), { qos: 1 });
    await waitForClaimEvent(vehicleId, 'com.kurumacover.claim.fnol-opened');
    const next = newBooking({ vehicleId, startsAt: jstMinutesFromNow(240), endsAt: jstMinutesFromNow(360) });
    await expect
      .poll(
        async () => {
          const b = { ...next, bookingId: `${next.bookingId}-${randomUUID().slice(0, 4)}` };
          await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
          await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId), 20_000, 'a policy event');
          const event = probe.records.find((r) => r.topic === policyTopic && r.key === b.bookingId)?.json<{ type: string; data: { reasons?: { code: string }[] } }>();
          return event?.type === 'com.kurumacover.policy.declined' ? event.data.reasons?.map((r) => r.code) : event?.type;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain('vehicle-damage-unresolved');
  });
});
