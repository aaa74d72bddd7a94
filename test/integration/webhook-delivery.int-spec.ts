import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SqlDatabase, WebhookDeliveryRepository, WebhookEndpointRepository } from '@kuruma/data-access-db';
import { ServiceMetrics } from '@kuruma/service-kit';
import { ensurePartner, TEST_ENV } from '../../tools/harness';
import { ReadDeliveriesUseCase } from '../../apps/partner-webhooks/src/deliveries/read-deliveries.use-case';
import { newEndpointId } from '../../apps/partner-webhooks/src/endpoints/register-endpoint.use-case';
import { DeliverWebhooksJob, type DeliverWebhooksOptions } from '../../apps/partner-webhooks/src/delivery/deliver-webhooks.job';
import { newSigningSecret } from '../../apps/partner-webhooks/src/delivery/webhook-signature';
import { WebhookSender } from '../../apps/partner-webhooks/src/delivery/webhook-sender';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A receiver on a local port whose behaviour each test sets. */
async function receiver(handle: Handler) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

describe(DeliverWebhooksJob.name, () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 6 });
  const pool = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const endpoints = new WebhookEndpointRepository(db);
  const deliveries = new WebhookDeliveryRepository(db);
  const jobs: DeliverWebhooksJob[] = [];
  const options: DeliverWebhooksOptions = { retryScheduleMs: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100], disableAfterMs: 3_600_000, timeoutMs: 2_000, perEndpoint: 4, maxInFlight: 32, pollMs: 50, retentionMs: 30 * 86_400_000 };
  const startJob = (overrides: Partial<DeliverWebhooksOptions> = {}) => {
    const o = { ...options, ...overrides };
    const sut = new DeliverWebhooksJob(db, deliveries, new WebhookSender({ timeoutMs: o.timeoutMs, publicAddressesOnly: false }), o, pino({ level: 'silent' }), new ServiceMetrics('partner-webhooks-test'));
    jobs.push(sut);
    sut.start();
    return sut;
  };
  // Each test runs its own deliverer only: one left running would lease the next test's deliveries.
  beforeEach(() => Promise.all(jobs.splice(0).map((j) => j.stop())));
  afterAll(async () => {
    await Promise.all(jobs.map((j) => j.stop()));
    await db.end();
    await pool.end();
  });

  const partner = async () => {
    const id = `wh-${randomUUID().slice(0, 8)}`;
    await ensurePartner(pool, id);
    return id;
  };
  const endpoint = (partnerId: string, url: string, eventTypes = ['com.kurumacover.policy.bound', 'com.kurumacover.policy.ended']) =>
    endpoints.create({ id: newEndpointId(), partnerId, url, eventTypes, enabled: true, secret: newSigningSecret() }, 20).then((row) => row?.id as string);
  const event = (partnerId: string, bookingId: string, type: string) => {
    const id = randomUUID();
    return { source: 'kuruma/policy', eventId: id, partnerId, type, orderingKey: `booking:${bookingId}`, body: JSON.stringify({ specversion: '1.0', id, type, data: { bookingId } }) };
  };
  const enqueue = (events: (ReturnType<typeof event> & { occurredAt?: string })[]) => db.$transaction((tx) => deliveries.enqueue(tx, events));
  const states = async (endpointId: string) => (await deliveries.page(endpointId, null, 200)).deliveries.map((d) => d.state);

  it('gives an endpoint the events that happened once it existed, not a backlog from before it (replay reaches back)', async () => {
    const p = await partner();
    const before = new Date(Date.now() - 60_000).toISOString();
    const ep = await endpoint(p, 'http://127.0.0.1:9/unused');
    const after = new Date(Date.now() + 1_000).toISOString();
    // A deliverer catching up on a backlog reads events older than the endpoint: none is queued for it.
    expect(await enqueue([{ ...event(p, 'b-old', 'com.kurumacover.policy.bound'), occurredAt: before }])).toBe(0);
    expect(await enqueue([{ ...event(p, 'b-new', 'com.kurumacover.policy.bound'), occurredAt: after }])).toBe(1);
    expect(await states(ep)).toEqual(['pending']);
  });

  it('delivers each booking in order, never more than the per-endpoint limit at once, and a redelivered event once', async () => {
    const received: { id: string; bookingId: string }[] = [];
    let inFlight = 0;
    let most = 0;
    const rx = await receiver((_req, body, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const e = JSON.parse(body) as { id: string; data: { bookingId: string } };
      setTimeout(() => {
        received.push({ id: e.id, bookingId: e.data.bookingId });
        inFlight--;
        res.end();
      }, 50);
    });
    const p = await partner();
    const ep = await endpoint(p, rx.url);
    const bookings = ['b1', 'b2', 'b3', 'b4', 'b5'].map((b) => `${b}-${randomUUID().slice(0, 6)}`);
    const events = bookings.flatMap((b) => [event(p, b, 'com.kurumacover.policy.bound'), event(p, b, 'com.kurumacover.policy.ended')]);
    expect(await enqueue(events)).toBe(10);
    // The consumer's chunk comes again (a crash before its offset commit): nothing new is queued.
    expect(await enqueue(events)).toBe(0);
    // A type the endpoint did not subscribe to is recorded but not delivered.
    expect(await enqueue([event(p, bookings[0] as string, 'com.kurumacover.policy.extended')])).toBe(0);

    startJob({ perEndpoint: 2 });
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(10);
    expect(most).toBeLessThanOrEqual(2);
    for (const b of bookings) expect(received.filter((r) => r.bookingId === b).map((r) => r.id)).toEqual(events.filter((e) => e.orderingKey === `booking:${b}`).map((e) => e.eventId));
    // The receiver has answered the last one; its outcome commits a moment later.
    await expect.poll(() => states(ep), { timeout: 10_000 }).toEqual(Array(10).fill('delivered'));
    await rx.close();
  });

  it('sends again a delivery whose deliverer died mid-attempt, once its lease has expired, and holds the booking behind it', async () => {
    const received: string[] = [];
    const rx = await receiver((_req, body, res) => {
      received.push((JSON.parse(body) as { id: string }).id);
      res.end();
    });
    const p = await partner();
    await endpoint(p, rx.url);
    const [first, second] = [event(p, 'b-kill', 'com.kurumacover.policy.bound'), event(p, 'b-kill', 'com.kurumacover.policy.ended')];
    await enqueue([first, second]);
    // A deliverer leases the first and is killed before it records anything.
    const leased = await deliveries.lease(100, 100, 1_500);
    expect(leased.map((l) => l.event_id)).toContain(first.eventId);
    expect(leased.map((l) => l.event_id)).not.toContain(second.eventId);

    startJob();
    await expect.poll(() => received.filter((id) => id === first.eventId || id === second.eventId), { timeout: 20_000 }).toEqual([first.eventId, second.eventId]);
    await rx.close();
  });

  it('records a timed-out attempt and delivers on a later one', async () => {
    let calls = 0;
    const rx = await receiver((_req, _body, res) => {
      // The first answer never comes in time; the next is immediate.
      if (++calls === 1) setTimeout(() => res.end(), 3_000);
      else res.end();
    });
    const p = await partner();
    const ep = await endpoint(p, rx.url);
    await enqueue([event(p, 'b-slow', 'com.kurumacover.policy.bound')]);
    startJob({ timeoutMs: 500 });
    await expect.poll(() => states(ep), { timeout: 20_000 }).toEqual(['delivered']);
    const { attempts } = await deliveries.page(ep, null, 10);
    expect(attempts[0]).toMatchObject({ status_code: null });
    expect(attempts[0]?.error).toMatch(/timed out/);
    expect(attempts.at(-1)).toMatchObject({ status_code: 200, error: null });
    await rx.close();
  });

  it('disables an endpoint failing past the failure period and tells the partner on its other endpoint', async () => {
    const failing = await receiver((_req, _body, res) => {
      res.statusCode = 410;
      res.end();
    });
    const notices: { type: string; data: { endpointId: string } }[] = [];
    const healthy = await receiver((_req, body, res) => {
      notices.push(JSON.parse(body));
      res.end();
    });
    const p = await partner();
    const bad = await endpoint(p, failing.url);
    await endpoint(p, healthy.url, ['com.kurumacover.webhook.endpoint-disabled']);
    await enqueue([event(p, 'b-gone', 'com.kurumacover.policy.bound')]);
    startJob({ disableAfterMs: 300 });
    await expect.poll(async () => (await endpoints.find(p, bad))?.enabled, { timeout: 20_000 }).toBe(false);
    expect((await endpoints.find(p, bad))?.disabled_reason).toMatch(/every delivery failed since/);
    await expect.poll(() => notices.map((n) => [n.type, n.data.endpointId]), { timeout: 20_000 }).toEqual([['com.kurumacover.webhook.endpoint-disabled', bad]]);
    // Its delivery is held, not lost: enabling the endpoint again resumes it at once.
    expect(await states(bad)).toEqual(['pending']);
    await failing.close();
    const recovered = await receiver((_req, _body, res) => res.end());
    await endpoints.update(p, bad, { url: recovered.url, enabled: true });
    await expect.poll(() => states(bad), { timeout: 20_000 }).toEqual(['delivered']);
    await recovered.close();
    await healthy.close();
  });
});

describe('the delivery log: pages, cap, retention', () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const pool = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const endpoints = new WebhookEndpointRepository(db);
  const deliveries = new WebhookDeliveryRepository(db);
  afterAll(async () => {
    await db.end();
    await pool.end();
  });

  it('pages the log newest first by cursor, and keeps a partner to its cap of endpoints', async () => {
    const partnerId = `wh-${randomUUID().slice(0, 8)}`;
    await ensurePartner(pool, partnerId);
    const create = () => endpoints.create({ id: newEndpointId(), partnerId, url: 'http://127.0.0.1:9/hook', eventTypes: ['com.kurumacover.policy.bound'], enabled: false, secret: newSigningSecret() }, 2);
    const [first, second, third] = [await create(), await create(), await create()];
    expect(first && second).toBeTruthy();
    expect(third).toBeNull();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await db.$transaction((tx) => deliveries.enqueue(tx, ids.map((id) => ({ source: 'kuruma/policy', eventId: id, partnerId, type: 'com.kurumacover.policy.bound', orderingKey: 'booking:b', body: '{}' }))));
    // Disabled endpoints get nothing new; a replay since an instant fills the log.
    expect(await deliveries.replay(first?.id as string, partnerId, { since: new Date(Date.now() - 60_000) }, 100)).toBe(5);

    const sut = new ReadDeliveriesUseCase(endpoints, deliveries);
    const page1 = await sut.execute(partnerId, first?.id as string, undefined, '2');
    const page2 = await sut.execute(partnerId, first?.id as string, page1.nextCursor ?? undefined, '2');
    const page3 = await sut.execute(partnerId, first?.id as string, page2.nextCursor ?? undefined, '2');
    expect([...page1.items, ...page2.items, ...page3.items].map((d) => d.eventId)).toEqual([...ids].reverse());
    expect(page3.nextCursor).toBeNull();
    await expect(sut.execute(partnerId, first?.id as string, "1' OR 1=1", '2')).rejects.toThrow('invalid cursor');
    await expect(sut.execute(partnerId, first?.id as string, undefined, '100000')).rejects.toThrow('invalid limit');
    await expect(sut.execute('someone-else', first?.id as string, undefined, '2')).rejects.toThrow('not found');
  });

  it('deletes old events with their log, but never one whose delivery is still pending', async () => {
    const partnerId = `wh-${randomUUID().slice(0, 8)}`;
    await ensurePartner(pool, partnerId);
    const ep = await endpoints.create({ id: newEndpointId(), partnerId, url: 'http://127.0.0.1:9/hook', eventTypes: ['com.kurumacover.policy.bound'], enabled: false, secret: newSigningSecret() }, 20);
    const [done, waiting] = [randomUUID(), randomUUID()];
    await db.$transaction((tx) => deliveries.enqueue(tx, [done, waiting].map((id) => ({ source: 'kuruma/policy', eventId: id, partnerId, type: 'com.kurumacover.policy.bound', orderingKey: `booking:${id}`, body: '{}' }))));
    await deliveries.replay(ep?.id as string, partnerId, { since: new Date(Date.now() - 60_000) }, 10);
    await pool.query("UPDATE webhook_event SET received_at = now() - interval '40 days' WHERE partner_id = $1", [partnerId]);
    await pool.query("UPDATE webhook_delivery d SET state = 'delivered' FROM webhook_event ev WHERE ev.seq = d.event_seq AND ev.event_id = $1", [done]);

    while ((await deliveries.prune(30 * 86_400_000, 1_000)) > 0);
    const left = (await pool.query('SELECT event_id FROM webhook_event WHERE partner_id = $1', [partnerId])).rows.map((r) => r.event_id);
    expect(left).toEqual([waiting]);
    expect((await deliveries.page(ep?.id as string, null, 10)).deliveries.map((d) => d.event_id)).toEqual([waiting]);
  });
});

describe(WebhookSender.name, () => {
  it('in production refuses plain http, and a name that resolves to a loopback address (DNS rebinding)', async () => {
    const sut = new WebhookSender({ timeoutMs: 2_000, publicAddressesOnly: true });
    expect(await sut.send('http://example.com/hook', {}, '{}')).toMatchObject({ statusCode: null, error: 'https required' });
    const refused = await sut.send('https://localhost:9/hook', {}, '{}');
    expect(refused.statusCode).toBeNull();
    expect(refused.error).toMatch(/EADDRNOTALLOWED/);
  });
});
