import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, DeviceGateways, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic, tripSummary } from '../../tools/harness';
import { signedInSession } from '../support/ops-console-session';

interface Quoted {
  premium: number;
  breakdown: { code: string; label: string }[];
}

const ADMIN = { username: 'admin', password: 'admin-change-me' };

/**
 * At rest the platform keeps no partner driver reference (docs/privacy.md): a driver booked
 * with a distinctive reference, over the webhook and the partner's topic (one event held for a
 * sequence gap), bound, driven and crashed, leaves that reference in no text, varchar or jsonb
 * column of any table, while their trips still price their next quote and ops still find their
 * policy by the reference. Public paths only; real Kafka, Postgres, Redis and Mosquitto.
 */
describe("the partner's driver reference is kept nowhere at rest", () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const gateways = new DeviceGateways('e2e-pseudo');
  const policyTopic = testTopic(Topics.policyEvents);
  const reference = `drv-REF-${randomUUID().slice(0, 12)}`;

  const quote = async (): Promise<Quoted> => {
    const b = newBooking({ startsAt: jstMinutesFromNow(60), endsAt: jstMinutesFromNow(240) });
    const { sequence: _sequence, ...request } = bookingEvent(b, 'com.kurumacover.booking.created', 1).data;
    const response = await fetch(`${baseUrl('pricing')}/v1/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
      body: JSON.stringify({ ...request, driver: { ...request.driver, driverId: reference, drivingDataConsent: true } }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Quoted;
  };
  const telematics = (q: Quoted) => q.breakdown.find((s) => s.code === 'telematics')?.label;

  /** Every text, varchar and jsonb column of every table, as `table.column`, where `needle` occurs. */
  async function columnsHolding(needle: string): Promise<string[]> {
    const columns = (
      await db.query<{ table_name: string; column_name: string }>(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
          ORDER BY 1, 2`,
      )
    ).rows;
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await db.query<{ hit: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}" WHERE strpos("${column}"::text, $1) > 0) AS hit`, [needle]);
      if (rows[0]?.hit) found.push(`${table}.${column}`);
    }
    return found;
  }

  beforeAll(async () => {
    await probe.observe([policyTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'ops-console']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('books, binds, drives and claims under the pseudonym only, and the driver still links: their trip prices their next quote, and ops find them by reference', async () => {
    const before = await quote();
    expect(telematics(before)).toBe('no telematics: neutral');

    // Covered from now: created over the signed-in webhook, then started before confirmed on
    // the partner's topic, so the started event is held (stored) until the gap fills.
    const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
    const event = (type: 'com.kurumacover.booking.created' | 'com.kurumacover.booking.confirmed' | 'com.kurumacover.booking.started', sequence: number) => {
      const e = bookingEvent(b, type, sequence);
      e.data.driver = { ...e.data.driver, driverId: reference, drivingDataConsent: true } as typeof e.data.driver;
      return e;
    };
    const webhook = await fetch(`${baseUrl('booking-ingest')}/v1/booking-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
      body: JSON.stringify(event('com.kurumacover.booking.created', 1)),
    });
    expect(webhook.status).toBe(202);
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(event('com.kurumacover.booking.started', 3)), asMessage(event('com.kurumacover.booking.confirmed', 2))]);
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, `policy.bound for ${b.bookingId}`);

    // A trip summary and a crash from the car's gateway.
    const creds = await gateways.register(b.vehicleId);
    const device = await gateways.connect(creds);
    const trip = tripSummary(b.bookingId);
    await device.publishAsync(`devices/${creds.deviceId}/trip`, JSON.stringify(trip), { qos: 1 });
    await device.publishAsync(`devices/${creds.deviceId}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.4, speedKmh: 42 }), { qos: 1 });
    const claimOf = async () => (await db.query<{ driver_id: string }>('SELECT driver_id FROM claim WHERE booking_id = $1', [b.bookingId])).rows;
    await expect.poll(claimOf, { timeout: 20_000 }).toHaveLength(1);
    await expect.poll(async () => (await db.query('SELECT 1 FROM driving_trip WHERE trip_id = $1', [trip.tripId])).rowCount, { timeout: 20_000 }).toBe(1);

    // The driver's history still links under the pseudonym: the trip changes their next quote.
    const after = await quote();
    expect(telematics(after)).toBe('platform driving score 0 from 1 trip over 3000 km (credibility 1)');
    expect(after.premium).toBeGreaterThan(before.premium);

    // Policy and claim carry one pseudonym, the same pricing linked the trip with.
    const policy = (await db.query<{ driver_id: string }>("SELECT driver_id FROM policy WHERE partner_id = 'demo' AND booking_id = $1", [b.bookingId])).rows;
    const [{ driver_key: driverKey }] = (await db.query<{ driver_key: string }>('SELECT driver_key FROM driving_trip WHERE trip_id = $1', [trip.tripId])).rows;
    expect(policy).toEqual([{ driver_id: driverKey }]);
    expect(await claimOf()).toEqual([{ driver_id: driverKey }]);

    // The scan can find what is there (the pseudonym in several tables), and finds no reference.
    expect(await columnsHolding(driverKey)).toEqual(expect.arrayContaining(['booking_event.envelope', 'claim.driver_id', 'driver_booking.driver_key', 'policy.driver_id', 'policy.request', 'quote.request']));
    expect(await columnsHolding(reference)).toEqual([]);

    // Ops type the partner's reference (or the pseudonym a policy shows) and find the policy.
    const { cookie } = await signedInSession(baseUrl('ops-console'), ADMIN);
    for (const q of [reference, driverKey]) {
      const res = await fetch(`${baseUrl('ops-console')}/api/policies?q=${encodeURIComponent(q)}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: { bookingId: string }[] }).items.map((p) => p.bookingId)).toEqual([b.bookingId]);
    }
  });
});
