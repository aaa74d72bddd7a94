import Redis from 'ioredis';
import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics, type QuoteV1 } from '@kuruma/contracts';
import { createDatabase, PartnerRepository } from '@kuruma/data-access-db';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

interface Credentials {
  deviceId: string;
  vehicleId: string;
  mqtt: { url: string; username: string; password: string; clientId?: string; topics: { crash: string; lock: string } };
}
interface Partner {
  id: string;
  apiKey: string;
}
interface ClaimEvent {
  type: string;
  data: { claimId: string | null; partnerId: string | null; deviceId: string; policyId: string | null; vehicleId: string };
}

/**
 * Finding 3 of issue 14, replayed against the real services, broker, database and Redis: vehicle
 * ids are the partner's own, so partner B registering a device for partner A's vehicle id and
 * publishing a crash must reach nothing of A's (policy, claim, damage flag, lock state, quotes),
 * while A's own device keeps opening A's claims.
 */
describe("finding 3: vehicles are scoped by partner (another partner's device or API key reaches nothing of A's)", () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  const claimTopic = testTopic(Topics.claimEvents);
  const policyTopic = testTopic(Topics.policyEvents);
  const damageTopic = testTopic(Topics.vehicleDamage);
  const devices: mqtt.MqttClient[] = [];
  const partnerA: Partner = { id: 'demo', apiKey: DEMO_API_KEY };
  const partnerB: Partner = { id: 'scope-partner-b', apiKey: `scope-b-key-${randomUUID()}` };

  async function seedPartnerB(): Promise<void> {
    const prisma = await createDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 1, applicationName: 'vehicle-scoping-spec' });
    try {
      await new PartnerRepository(prisma).upsert({ id: partnerB.id, name: 'Rival Carshare', apiKey: partnerB.apiKey, webhookSecret: `whsec_${Buffer.from(randomUUID()).toString('base64')}` });
    } finally {
      await prisma.$disconnect();
    }
  }

  /** Partner A binds cover for a fresh vehicle through its booking events; returns the policy. */
  async function coverForA(): Promise<{ vehicleId: string; bookingId: string; policyId: string }> {
    const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
    ]);
    const isBound = (r: { topic: string; key: string | null; json<T>(): T }) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound';
    const records = await probe.waitFor((rs) => rs.some(isBound), 30_000, 'com.kurumacover.policy.bound');
    const bound = records.find(isBound)?.json<{ data: { policyId: string } }>();
    return { vehicleId: b.vehicleId, bookingId: b.bookingId, policyId: bound?.data.policyId ?? '' };
  }

  async function registerDevice(partner: Partner, vehicleId: string): Promise<Credentials> {
    const deviceId = `sec-gw-${partner.id === 'demo' ? 'a' : 'b'}-${randomUUID().slice(0, 8)}`;
    const res = await fetch(`${baseUrl('claims-trigger')}/v1/devices/${deviceId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': partner.apiKey },
      body: JSON.stringify({ vehicleId }),
    });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as Credentials;
  }

  async function connect(creds: Credentials): Promise<mqtt.MqttClient & { creds: Credentials }> {
    const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], {
      protocolVersion: 5,
      clientId: creds.mqtt.clientId ?? creds.deviceId,
      username: creds.mqtt.username,
      password: creds.mqtt.password,
      reconnectPeriod: 0,
    });
    devices.push(client);
    return Object.assign(client, { creds });
  }

  const alert = (extra: Record<string, unknown>) => ({ eventId: randomUUID(), occurredAt: new Date().toISOString(), ...extra });
  const publish = (device: mqtt.MqttClient & { creds: Credentials }, channel: 'crash' | 'lock', body: Record<string, unknown>) =>
    device.publishAsync(device.creds.mqtt.topics[channel], JSON.stringify(body), { qos: 1 });

  const claimEventsOf = (deviceId: string) =>
    probe.records.filter((r) => r.topic === claimTopic && r.json<ClaimEvent>().data.deviceId === deviceId).map((r) => r.json<ClaimEvent>());
  const firstClaimEventOf = async (deviceId: string): Promise<ClaimEvent> => {
    await probe.waitFor(() => claimEventsOf(deviceId).length > 0, 20_000, `a claim event from ${deviceId}`);
    return claimEventsOf(deviceId)[0] as ClaimEvent;
  };
  /** Resolves once the platform has applied this device message (as a claim signal or an incident). */
  const applied = (deviceId: string, eventId: string) =>
    expect
      .poll(
        async () =>
          (
            await db.query(
              'SELECT (SELECT count(*) FROM claim_signal WHERE device_id = $1 AND event_id = $2) + (SELECT count(*) FROM incident WHERE device_id = $1 AND event_id = $2) AS n',
              [deviceId, eventId],
            )
          ).rows[0].n,
        { timeout: 20_000 },
      )
      .toBe('1');

  async function quote(partner: Partner, vehicleId: string): Promise<QuoteV1> {
    const b = newBooking({ vehicleId, startsAt: jstMinutesFromNow(240), endsAt: jstMinutesFromNow(360) });
    const { sequence: _sequence, ...request } = bookingEvent(b, 'com.kurumacover.booking.created', 1).data;
    const res = await fetch(`${baseUrl('pricing')}/v1/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': partner.apiKey },
      body: JSON.stringify({ ...request, partnerId: partner.id }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as QuoteV1;
  }
  const declineCodes = (q: QuoteV1) => (q.status === 'declined' ? q.reasons.map((r) => r.code) : []);

  async function get(app: 'claims-trigger' | 'policy', path: string, partner: Partner, method = 'GET') {
    const res = await fetch(`${baseUrl(app)}${path}`, { method, headers: { 'x-api-key': partner.apiKey } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  /** A's vehicle with a claim A's own device opened (the real flow), made once for the tests that need one. */
  let aClaim: Promise<{ vehicleId: string; bookingId: string; policyId: string; claimId: string; claimNumber: string; deviceId: string }> | undefined;
  const claimOfA = () =>
    (aClaim ??= (async () => {
      const cover = await coverForA();
      const device = await connect(await registerDevice(partnerA, cover.vehicleId));
      await publish(device, 'crash', alert({ peakG: 3.2, location: { lat: 35.68, lon: 139.76 } }));
      const opened = await firstClaimEventOf(device.creds.deviceId);
      expect(opened.type).toBe('com.kurumacover.claim.fnol-opened');
      const { rows } = await db.query('SELECT claim_number FROM claim WHERE id = $1', [opened.data.claimId]);
      return { ...cover, claimId: opened.data.claimId ?? '', claimNumber: rows[0].claim_number as string, deviceId: device.creds.deviceId };
    })());

  beforeAll(async () => {
    await seedPartnerB();
    await probe.observe([claimTopic, policyTopic, damageTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.endAsync()));
    await platform.stopAll();
    await probe.close();
    await db.end();
    redis.disconnect();
  });

  it("B's crash on A's vehicle id opens no claim on A's policy, flags nothing of A's and leaves A's next quote undeclined", async () => {
    const { vehicleId, policyId } = await coverForA();
    const rival = await connect(await registerDevice(partnerB, vehicleId));
    await publish(rival, 'crash', alert({ peakG: 3.4, speedKmh: 48, location: { lat: 35.66, lon: 139.7 } }));

    // What B's crash became: an incident on B's side (B has no cover), never a claim on A's policy.
    const outcome = await firstClaimEventOf(rival.creds.deviceId);
    expect(outcome).toMatchObject({ type: 'com.kurumacover.incident.uncovered', data: { partnerId: partnerB.id, policyId: null, claimId: null } });
    expect((await db.query('SELECT count(*)::int AS n FROM claim WHERE policy_id = $1 OR vehicle_id = $2', [policyId, vehicleId])).rows[0].n).toBe(0);
    expect((await db.query('SELECT partner_id FROM incident WHERE device_id = $1', [rival.creds.deviceId])).rows).toEqual([{ partner_id: partnerB.id }]);
    // No damage flag for the vehicle id under any partner, and nothing on the fraud-guard topic.
    expect(await redis.keys(`vehicle-damage:*${vehicleId}`)).toEqual([]);
    expect(probe.records.filter((r) => r.topic === damageTopic && r.value.includes(vehicleId))).toEqual([]);
    // A's next booking of the car is priced as before.
    const next = await quote(partnerA, vehicleId);
    expect(next.status).toBe('quoted');
  });

  it("B's false alarm (score 0) cannot withdraw A's open claim, and B's alerts never join it", async () => {
    const cover = await coverForA();
    const own = await connect(await registerDevice(partnerA, cover.vehicleId));
    const accidentId = `acc-${randomUUID().slice(0, 8)}`;
    await publish(own, 'crash', alert({ peakG: 2.9, accidentId, score: 70 }));
    const opened = await firstClaimEventOf(own.creds.deviceId);
    expect(opened.type).toBe('com.kurumacover.claim.fnol-opened');

    const rival = await connect(await registerDevice(partnerB, cover.vehicleId));
    const falseAlarm = alert({ peakG: 2.9, accidentId, score: 0 });
    await publish(rival, 'crash', falseAlarm);
    await applied(rival.creds.deviceId, falseAlarm.eventId);
    const joining = alert({ peakG: 2.7 });
    await publish(rival, 'crash', joining);
    await applied(rival.creds.deviceId, joining.eventId);

    const claim = (await db.query('SELECT status, partner_id FROM claim WHERE id = $1', [opened.data.claimId])).rows[0];
    expect(claim).toEqual({ status: 'provisional', partner_id: partnerA.id });
    const signals = (await db.query('SELECT device_id FROM claim_signal WHERE claim_id = $1', [opened.data.claimId])).rows;
    expect(signals).toEqual([{ device_id: own.creds.deviceId }]);
    expect(claimEventsOf(rival.creds.deviceId).map((e) => e.type)).not.toContain('com.kurumacover.claim.withdrawn');
    expect(claimEventsOf(rival.creds.deviceId).every((e) => e.data.claimId !== opened.data.claimId)).toBe(true);
  });

  it("B's lock telemetry never overwrites A's vehicle state", async () => {
    const vehicleId = `sec-v-${randomUUID().slice(0, 8)}`;
    const own = await connect(await registerDevice(partnerA, vehicleId));
    const rival = await connect(await registerDevice(partnerB, vehicleId));
    // Every state row of the vehicle id, whoever's (to_jsonb: the rows as they are, whatever their columns).
    const states = async () =>
      (await db.query("SELECT to_jsonb(s) ->> 'partner_id' AS partner, lock_state FROM vehicle_state s WHERE vehicle_id = $1 ORDER BY lock_state", [vehicleId])).rows;

    await publish(own, 'lock', alert({ kind: 'locked' }));
    await expect.poll(async () => (await states()).some((r) => r.lock_state === 'locked'), { timeout: 10_000 }).toBe(true);
    await publish(rival, 'lock', alert({ kind: 'unlocked', occurredAt: new Date(Date.now() + 1_000).toISOString() }));
    await expect.poll(async () => (await states()).some((r) => r.lock_state === 'unlocked'), { timeout: 10_000 }).toBe(true);
    expect(await states()).toEqual([
      { partner: partnerA.id, lock_state: 'locked' },
      { partner: partnerB.id, lock_state: 'unlocked' },
    ]);
  });

  it("A's own device still opens A's claim on A's policy, flags A's vehicle under A's key and declines only A's next quote (the real flow)", async () => {
    const { vehicleId, policyId, claimId, deviceId } = await claimOfA();
    const claim = (await db.query('SELECT partner_id, policy_id::text, status, severity, reserve_yen FROM claim WHERE id = $1', [claimId])).rows[0];
    expect(claim).toMatchObject({ partner_id: partnerA.id, policy_id: policyId, status: 'provisional', severity: 'major' });
    expect(claim.reserve_yen).toBeGreaterThan(0);
    expect(claimEventsOf(deviceId)[0]?.data).toMatchObject({ partnerId: partnerA.id, policyId });

    // The fraud guard is per partner vehicle: A's key in Redis and on the compacted topic.
    expect(await redis.keys(`vehicle-damage:*${vehicleId}`)).toEqual([`vehicle-damage:${partnerA.id}/${vehicleId}`]);
    const damage = await probe.waitFor((rs) => rs.some((r) => r.topic === damageTopic && r.key === `${partnerA.id}/${vehicleId}`), 20_000, 'a vehicle-damage record');
    expect(damage.find((r) => r.topic === damageTopic && r.key === `${partnerA.id}/${vehicleId}`)?.json()).toMatchObject({ partnerId: partnerA.id, vehicleId, openDamageClaims: 1 });
    expect(declineCodes(await quote(partnerA, vehicleId))).toContain('vehicle-damage-unresolved');
    // B's car with the same id is another car: its quote is not declined by A's claim.
    expect(declineCodes(await quote(partnerB, vehicleId))).not.toContain('vehicle-damage-unresolved');
  });

  it("B cannot read or act on A's claims over HTTP: 404 problem+json, never the claim's data", async () => {
    const { vehicleId, claimId, claimNumber, policyId } = await claimOfA();
    expect((await get('claims-trigger', `/v1/claims/${claimId}`, partnerA)).status).toBe(200);

    for (const [path, method] of [
      [`/v1/claims/${claimId}`, 'GET'],
      [`/v1/claims/${claimId}/withdraw`, 'POST'],
      [`/v1/claims/${claimId}/confirm`, 'POST'],
    ] as const) {
      const res = await get('claims-trigger', path, partnerB, method);
      expect(res, `${method} ${path}`).toMatchObject({ status: 404, type: expect.stringContaining('application/problem+json') });
      expect(res.text).not.toContain(claimNumber);
      expect(res.text).not.toContain(policyId);
    }
    const list = await get('claims-trigger', `/v1/claims?vehicleId=${vehicleId}`, partnerB);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(claimId);
    expect((await db.query('SELECT status FROM claim WHERE id = $1', [claimId])).rows[0].status).toBe('provisional');
  });

  it("B cannot read A's policies over HTTP: 404 problem+json, never the policy's data", async () => {
    const { bookingId, policyId } = await claimOfA();
    expect((await get('policy', `/v1/policies/${policyId}`, partnerA)).status).toBe(200);

    for (const path of [`/v1/policies/${policyId}`, `/v1/policies/${policyId}/certificate`]) {
      const res = await get('policy', path, partnerB);
      expect(res, path).toMatchObject({ status: 404, type: expect.stringContaining('application/problem+json') });
      expect(res.text).not.toContain(bookingId);
    }
    const byBooking = await get('policy', `/v1/policies?bookingId=${bookingId}`, partnerB);
    expect(byBooking.status).toBe(200);
    expect(JSON.parse(byBooking.text)).toEqual({ items: [], nextCursor: null });
  });

  it('at start-up claims-trigger drops damage flags of the old unscoped form and rebuilds the scoped ones from the database', async () => {
    const { vehicleId } = await claimOfA();
    const legacy = `vehicle-damage:${vehicleId}`;
    await redis.set(legacy, 'left from before partner scoping');
    await redis.del(`vehicle-damage:${partnerA.id}/${vehicleId}`);
    await platform.restart('claims-trigger');
    expect(await redis.exists(legacy)).toBe(0);
    expect(await redis.exists(`vehicle-damage:${partnerA.id}/${vehicleId}`)).toBe(1);
  });
});
