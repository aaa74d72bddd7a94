import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import {
  asMessage,
  baseUrl,
  bookingEvent,
  connectDevice,
  DEMO_API_KEY,
  deleteDevice,
  DeviceGateways,
  ensurePartner,
  jstMinutesFromNow,
  KafkaProbe,
  newBooking,
  PlatformProcesses,
  registerDevice,
  TEST_ENV,
  testTopic,
  tripSummary,
} from '../../tools/harness';

interface Step {
  code: string;
  label: string;
  factor: number | null;
}
interface Quoted {
  status: string;
  premium: number;
  breakdown: Step[];
}

/**
 * Driving behaviour from the car and a driver's own history (issue #21 steps 4-6), through the
 * public paths only: bookings on the partner's Kafka topic, trip summaries over MQTT from the
 * car's registered gateway, quotes over HTTP, and the deletion request's CLI. Real Kafka,
 * Postgres, Redis and Mosquitto.
 */
describe('trip summaries over MQTT price the next quote of that driver', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const gateways = new DeviceGateways('e2e-trip');
  const policyTopic = testTopic(Topics.policyEvents);
  const run = randomUUID().slice(0, 6);

  /** The quote request a partner sends for this driver: 3 h of standard cover from an hour ahead. */
  const quoteRequest = (driverId: string, consent: boolean | undefined, partnerId: string) => {
    const b = newBooking({ startsAt: jstMinutesFromNow(60), endsAt: jstMinutesFromNow(240) });
    const { sequence: _sequence, ...request } = bookingEvent(b, 'com.kurumacover.booking.created', 1).data;
    return { ...request, partnerId, driver: { ...request.driver, driverId, ...(consent === undefined ? {} : { drivingDataConsent: consent }) } };
  };
  const quote = async (driverId: string, consent?: boolean, as = { partnerId: 'demo', apiKey: DEMO_API_KEY }): Promise<Quoted> => {
    const response = await fetch(`${baseUrl('pricing')}/v1/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': as.apiKey },
      body: JSON.stringify(quoteRequest(driverId, consent, as.partnerId)),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Quoted;
  };
  const step = (q: Quoted, code: string) => q.breakdown.find((s) => s.code === code);

  /** A booking of this driver on the partner's topic, covered from now, awaited until bound. */
  async function coveredBooking(driverId: string, consent: boolean) {
    const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
    const event = (type: 'com.kurumacover.booking.created' | 'com.kurumacover.booking.confirmed' | 'com.kurumacover.booking.started', sequence: number) => {
      const e = bookingEvent(b, type, sequence);
      e.data.driver = { ...e.data.driver, driverId, drivingDataConsent: consent } as typeof e.data.driver;
      return asMessage(e);
    };
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [event('com.kurumacover.booking.created', 1), event('com.kurumacover.booking.confirmed', 2), event('com.kurumacover.booking.started', 3)]);
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, `policy.bound for ${b.bookingId}`);
    const creds = await gateways.register(b.vehicleId);
    return { booking: b, device: await gateways.connect(creds), deviceId: creds.deviceId };
  }

  const trip = tripSummary;
  const publish = (device: mqtt.MqttClient, deviceId: string, payload: unknown) =>
    device.publishAsync(`devices/${deviceId}/trip`, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
  const tripRows = async (tripId: string) => (await db.query('SELECT driver_key, distance_metres FROM driving_trip WHERE trip_id = $1', [tripId])).rows as { driver_key: string | null; distance_metres: number | null }[];
  const deadLetters = async (deviceId: string) => (await db.query('SELECT reason FROM dead_letter WHERE source = $1 ORDER BY received_at', [`devices/${deviceId}/trip`])).rows.map((r: { reason: string }) => r.reason);

  beforeAll(async () => {
    await probe.observe([policyTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  const drivers = { scored: `e2e-drv-a-${run}`, untouched: `e2e-drv-b-${run}`, refusing: `e2e-drv-c-${run}` };
  let scoredBooking: Awaited<ReturnType<typeof coveredBooking>>;

  it("changes the next quote of the consenting driver who drove, and neither another driver's nor a non-consenting driver's", async () => {
    const before = { scored: await quote(drivers.scored, true), untouched: await quote(drivers.untouched, true), refusing: await quote(drivers.refusing, false) };
    for (const q of Object.values(before)) expect(step(q, 'telematics')?.label).toBe('no telematics: neutral');

    scoredBooking = await coveredBooking(drivers.scored, true);
    const refusing = await coveredBooking(drivers.refusing, false);
    const scoredTrip = trip(scoredBooking.booking.bookingId);
    const refusedTrip = trip(refusing.booking.bookingId);
    await publish(scoredBooking.device, scoredBooking.deviceId, scoredTrip);
    await publish(refusing.device, refusing.deviceId, refusedTrip);
    await expect.poll(async () => (await tripRows(scoredTrip.tripId)).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await tripRows(refusedTrip.tripId)).length, { timeout: 20_000 }).toBe(1);

    const after = { scored: await quote(drivers.scored, true), untouched: await quote(drivers.untouched, true), refusing: await quote(drivers.refusing, true) };
    // 300 harsh brakings in 3,000 km: score 70 points below neutral at full credibility.
    expect(step(after.scored, 'telematics')).toMatchObject({ label: 'platform driving score 0 from 1 trip over 3000 km (credibility 1)', factor: 1.4667 });
    expect(after.scored.premium).toBeGreaterThan(before.scored.premium);
    // The driver's own history names itself in place of a partner's trust score.
    expect(step(after.scored, 'trust-score')?.label).toMatch(/^platform experience: [\d.]+ covered hours/);
    // Another driver's quote (a fresh booking id each time, so compared by price and steps).
    expect([after.untouched.premium, after.untouched.breakdown]).toEqual([before.untouched.premium, before.untouched.breakdown]);
    // A driver without consent on the booking: the trip left no figures, even once they consent.
    expect(await tripRows(refusedTrip.tripId)).toEqual([{ driver_key: null, distance_metres: null }]);
    expect(step(after.refusing, 'telematics')?.label).toBe('no telematics: neutral');
    expect(after.refusing.premium).toBe(before.refusing.premium);
    // A partner-supplied number is what the platform's score replaces; without consent it still prices.
    expect(step(await quote(drivers.refusing, false), 'telematics')?.label).toBe('no telematics: neutral');
  });

  it("refuses hostile trip summaries with a dead letter naming why, keeps each partner's drivers apart, and counts a replayed trip once", async () => {
    const other = await coveredBooking(`e2e-drv-d-${run}`, true);
    const { device, deviceId, booking } = scoredBooking;
    const replayed = trip(booking.bookingId, { harshBrakingCount: 0 });
    await publish(device, deviceId, replayed);
    await publish(device, deviceId, replayed);
    // Another car's gateway naming this driver's booking, an unknown booking, NUL, a huge value, not JSON.
    await publish(other.device, other.deviceId, trip(booking.bookingId));
    await publish(device, deviceId, trip(`e2e-b-unknown-${run}`));
    await publish(device, deviceId, trip(booking.bookingId, { tripId: 'trip-\u0000-nul' }));
    await publish(device, deviceId, trip(booking.bookingId, { distanceMetres: 1e15 }));
    await publish(device, deviceId, '{"tripId": "half');

    await expect.poll(async () => (await deadLetters(deviceId)).length, { timeout: 20_000 }).toBe(4);
    // Trips need no order (each is a row of its own), so their dead letters may come in any order.
    expect(await deadLetters(deviceId)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^unknown-booking: e2e-b-unknown-/),
        expect.stringMatching(/^schema-violation: .*tripId/),
        expect.stringMatching(/^schema-violation: .*distanceMetres/),
        expect.stringMatching(/^invalid-json: /),
      ]),
    );
    await expect.poll(async () => deadLetters(other.deviceId), { timeout: 20_000 }).toEqual([expect.stringMatching(/^booking-mismatch: booking .* is not on this device's vehicle/)]);
    await expect.poll(async () => (await tripRows(replayed.tripId)).length, { timeout: 20_000 }).toBe(1);

    // Another partner: its gateway on a car with the same vehicle id names this booking, and it quotes the same driver reference.
    const rival = { partnerId: `e2e-rival-${run}`, apiKey: await ensurePartner(db, `e2e-rival-${run}`) };
    const rivalCreds = await registerDevice(rival.apiKey, booking.vehicleId, `e2e-trip-rival-${run}`);
    const rivalDevice = await connectDevice(rivalCreds);
    try {
      await publish(rivalDevice, rivalCreds.deviceId, trip(booking.bookingId));
      await expect.poll(async () => deadLetters(rivalCreds.deviceId), { timeout: 20_000 }).toEqual([expect.stringMatching(/^unknown-booking: .* is not a priced booking of this device's partner/)]);
      expect(step(await quote(drivers.scored, true, rival), 'telematics')?.label).toBe('no telematics: neutral');
    } finally {
      await rivalDevice.endAsync();
      await deleteDevice(rival.apiKey, rivalCreds.deviceId);
    }
    // The replay counted once: 300 harsh brakings over 6,000 km now, 5 per 100 km.
    expect(step(await quote(drivers.scored, true), 'telematics')?.label).toBe('platform driving score 50 from 2 trips over 6000 km (credibility 1)');
  });

  it('honours a deletion request: the driver is priced without their data afterwards, and the erasure is audited by pseudonym only', async () => {
    const execute = promisify(execFile);
    const { stdout } = await execute('npx', ['tsx', 'tools/driver-erase.ts', '--partner', 'demo', '--driver', drivers.scored, '--actor', 'ops:e2e', '--request', `APPI-${run}`], {
      env: { ...process.env, DATABASE_URL: TEST_ENV['DATABASE_URL'] },
    });
    const erased = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { step: string; trips: number; bookings: number; driverKey: string };
    expect(erased).toMatchObject({ step: 'erased', trips: 2, bookings: 1 });
    const after = await quote(drivers.scored, true);
    expect(step(after, 'telematics')?.label).toBe('no telematics: neutral');
    expect(step(after, 'trust-score')?.label).toBe('no trust score: neutral');
    const audit = (await db.query("SELECT target_id, details FROM audit_log WHERE action = 'driver-data.erased' AND details->>'requestReference' = $1", [`APPI-${run}`])).rows;
    expect(audit).toEqual([{ target_id: erased.driverKey, details: { partnerId: 'demo', requestReference: `APPI-${run}`, trips: 2, bookings: 1 } }]);
    expect(JSON.stringify(audit)).not.toContain(drivers.scored);
  });
});
