import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, DEMO_API_KEY, DeviceGateways, ensurePartner, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';
import { LocalReceiver } from '../support/webhook-receiver';

/**
 * Outbound webhooks end to end: a partner registers an endpoint on a local receiver over the
 * public API, bookings and a crash alert run through the real services, and the receiver gets
 * every policy and claim event signed per Standard Webhooks, in order per booking, after an outage
 * (answering 500, then down) and again on replay.
 */
describe('outbound webhooks deliver signed policy and claim events to partner endpoints', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const receiver = new LocalReceiver();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const gateways = new DeviceGateways('e2e-wh-gw');
  const api = `http://127.0.0.1:${TEST_ENV['PARTNER_WEBHOOKS_PORT']}/v1/webhook-endpoints`;
  const policyTopic = testTopic(Topics.policyEvents);
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  let endpoint: { id: string; secret: string };
  let rivalKey: string;

  const call = (apiKey: string, method: string, path = '', body?: unknown) =>
    fetch(`${api}${path}`, { method, headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const topicOrder = (bookingId: string) => probe.records.filter((r) => r.topic === policyTopic && r.key === bookingId).map((r) => r.json<{ id: string }>().id);
  const waitForPolicy = (bookingId: string, type: string) =>
    probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === bookingId && r.json<{ type: string }>().type === type), 30_000, `${type} for ${bookingId}`);
  const bookThenEnd = async (b: ReturnType<typeof newBooking>) => {
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3)),
    ]);
    await waitForPolicy(b.bookingId, 'com.kurumacover.policy.cancelled');
  };

  beforeAll(async () => {
    await receiver.up();
    rivalKey = await ensurePartner(db, 'webhook-rival');
    await probe.observe([policyTopic, testTopic(Topics.claimEvents)]);
    // One at a time: on the shared 2-core machine five cold starts at once took ~80 s, past the harness's 60 s readiness wait.
    for (const app of ['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'partner-webhooks'] as const) await platform.start([app]);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await receiver.down();
    await db.end();
  });

  it('registers an endpoint with a signing secret shown once, visible to its partner only', async () => {
    // Legacy type names (without com.kurumacover.) are still accepted, and stored as the prefixed ones.
    const created = await call(DEMO_API_KEY, 'POST', '', { url: `http://127.0.0.1:${receiver.port}/hooks`, eventTypes: ['policy.bound', 'com.kurumacover.policy.cancelled', 'policy.extended', 'com.kurumacover.policy.ended', 'com.kurumacover.claim.fnol-opened'] });
    expect(created.status).toBe(201);
    endpoint = (await created.json()) as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_/);

    const mine = (await (await call(DEMO_API_KEY, 'GET', `/${endpoint.id}`)).json()) as Record<string, unknown>;
    expect(mine).toMatchObject({ id: endpoint.id, enabled: true });
    expect(mine['eventTypes']).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.policy.cancelled', 'com.kurumacover.policy.extended', 'com.kurumacover.policy.ended', 'com.kurumacover.claim.fnol-opened']);
    expect(mine['secret']).toBeUndefined();

    // Another partner neither sees nor changes it, and cannot read its log or replay into it.
    expect((await (await call(rivalKey, 'GET')).json()) as unknown).toEqual({ items: [] });
    for (const [method, path, body] of [
      ['GET', `/${endpoint.id}`],
      ['PATCH', `/${endpoint.id}`, { enabled: false }],
      ['POST', `/${endpoint.id}/rotate-secret`],
      ['GET', `/${endpoint.id}/deliveries`],
      ['POST', `/${endpoint.id}/replay`, { since: new Date(0).toISOString() }],
      ['DELETE', `/${endpoint.id}`],
    ] as const) {
      expect((await call(rivalKey, method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await call(DEMO_API_KEY, 'GET', `/${endpoint.id}`)).status).toBe(200);
  });

  it('refuses hostile registrations with problem+json naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'http://127.0.0.1/\u0000', eventTypes: ['com.kurumacover.policy.bound'] }, 'url'],
      [{ url: `http://127.0.0.1/${'a'.repeat(5000)}`, eventTypes: ['com.kurumacover.policy.bound'] }, 'url'],
      [{ url: 'gopher://127.0.0.1/', eventTypes: ['com.kurumacover.policy.bound'] }, 'url'],
      [{ url: 'http://127.0.0.1/', eventTypes: ['com.kurumacover.booking.created'] }, 'eventTypes.0'],
      [{ url: 'http://127.0.0.1/', eventTypes: [] }, 'eventTypes'],
    ];
    for (const [body, field] of cases) {
      const res = await call(DEMO_API_KEY, 'POST', '', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors?: { field: string }[] };
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('delivers every policy event of a booking, signed, in the order of the topic', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(48 * 60) });
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent({ ...b, endsAt: jstMinutesFromNow(60 * 60) }, 'com.kurumacover.booking.extended', 4)),
      asMessage(bookingEvent({ ...b, endsAt: jstMinutesFromNow(60 * 60) }, 'com.kurumacover.booking.ended', 5, { endedAt: jstMinutesFromNow(12 * 60) })),
    ]);
    await waitForPolicy(b.bookingId, 'com.kurumacover.policy.ended');
    const expected = topicOrder(b.bookingId);
    await expect.poll(() => receiver.acceptedOrder(b.bookingId), { timeout: 20_000 }).toEqual(expected);

    const verifier = new Webhook(endpoint.secret);
    for (const r of receiver.about(b.bookingId)) {
      expect(r.headers['webhook-id']).toBe(r.id);
      expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    }
    // The body is the CloudEvent the topic carried, byte for byte.
    const onTopic = probe.records.find((rec) => rec.topic === policyTopic && rec.json<{ id: string }>().id === expected[0]);
    expect(receiver.about(b.bookingId)[0]?.body).toBe(onTopic?.value);
  });

  it('delivers the claim opened by a crash alert', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3))]);
    await waitForPolicy(b.bookingId, 'com.kurumacover.policy.bound');
    const creds = await gateways.register(b.vehicleId);
    const device = await gateways.connect(creds);
    await device.publishAsync(`devices/${creds.deviceId}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.4 }), { qos: 1 });
    await expect.poll(() => receiver.about(b.bookingId).filter((r) => r.type === 'com.kurumacover.claim.fnol-opened' && r.answered === 200).length, { timeout: 30_000 }).toBe(1);
    const opened = receiver.about(b.bookingId).find((r) => r.type === 'com.kurumacover.claim.fnol-opened');
    expect(() => new Webhook(endpoint.secret).verify(opened?.body ?? '', opened?.headers as Record<string, string>)).not.toThrow();
  });

  it('keeps retrying through a receiver outage (500, then down) and delivers every event in order once it recovers', async () => {
    receiver.mode = 'error';
    const b = newBooking();
    await bookThenEnd(b);
    // The first event is refused; the booking's next one waits behind it.
    await expect.poll(() => receiver.about(b.bookingId).filter((r) => r.answered === 500).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.about(b.bookingId).map((r) => r.type))).toEqual(new Set(['com.kurumacover.policy.bound']));

    await receiver.down();
    const log = async () => ((await (await call(DEMO_API_KEY, 'GET', `/${endpoint.id}/deliveries?limit=200`)).json()) as { items: { eventId: string; attempts: { statusCode: number | null; error: string | null }[] }[] }).items;
    await expect
      .poll(async () => (await log()).some((d) => d.attempts.some((a) => a.statusCode === null && /ECONNREFUSED/.test(a.error ?? ''))), { timeout: 20_000 })
      .toBe(true);

    receiver.mode = 'ok';
    await receiver.up();
    const expected = topicOrder(b.bookingId);
    expect(expected).toHaveLength(2);
    await expect.poll(() => receiver.acceptedOrder(b.bookingId), { timeout: 30_000 }).toEqual(expected);
    // com.kurumacover.policy.cancelled was never sent before com.kurumacover.policy.bound was accepted.
    const requests = receiver.about(b.bookingId);
    const firstCancelled = requests.findIndex((r) => r.type === 'com.kurumacover.policy.cancelled');
    const boundAccepted = requests.findIndex((r) => r.type === 'com.kurumacover.policy.bound' && r.answered === 200);
    expect(firstCancelled).toBeGreaterThan(boundAccepted);

    const bound = (await log()).find((d) => d.eventId === expected[0]);
    expect(bound?.attempts.length).toBeGreaterThanOrEqual(3);
    expect(bound?.attempts.at(-1)?.statusCode).toBe(200);
  });

  it('loses nothing when the deliverer is killed (-9) while an attempt is in flight', async () => {
    receiver.mode = 'slow';
    const b = newBooking();
    await bookThenEnd(b);
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await platform.kill('partner-webhooks');
    receiver.mode = 'ok';
    await platform.ensureRunning('partner-webhooks');
    // The attempt cut off by the kill is made again once its lease expires, then the booking's next event.
    await expect.poll(() => receiver.acceptedOrder(b.bookingId), { timeout: 40_000 }).toEqual(topicOrder(b.bookingId));
    // At least once: the receiver saw the interrupted event twice, with one webhook-id to de-duplicate on.
    const first = topicOrder(b.bookingId)[0];
    expect(receiver.about(b.bookingId).filter((r) => r.id === first).length).toBeGreaterThanOrEqual(2);
  });

  it('resends one event, or everything since an instant, with the same webhook-id', async () => {
    const b = newBooking();
    const since = new Date().toISOString();
    await bookThenEnd(b);
    const expected = topicOrder(b.bookingId);
    await expect.poll(() => receiver.acceptedOrder(b.bookingId), { timeout: 20_000 }).toEqual(expected);
    const before = receiver.about(b.bookingId).length;

    const one = await call(DEMO_API_KEY, 'POST', `/${endpoint.id}/replay`, { eventId: expected[0] });
    expect(one.status).toBe(202);
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 20_000 }).toBe(before + 1);
    expect(receiver.about(b.bookingId).at(-1)?.headers['webhook-id']).toBe(expected[0]);

    const all = await call(DEMO_API_KEY, 'POST', `/${endpoint.id}/replay`, { since });
    expect(((await all.json()) as { replayed: number }).replayed).toBeGreaterThanOrEqual(2);
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 20_000 }).toBe(before + 3);
    expect(receiver.about(b.bookingId).slice(-2).map((r) => r.id)).toEqual(expected);
  });

  it('signs with both secrets after a rotation, so the receiver can switch at leisure', async () => {
    const rotated = await call(DEMO_API_KEY, 'POST', `/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(endpoint.secret);
    const b = newBooking();
    await bookThenEnd(b);
    await expect.poll(() => receiver.acceptedOrder(b.bookingId).length, { timeout: 20_000 }).toBe(2);
    for (const r of receiver.about(b.bookingId)) {
      expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    }
  });
});
