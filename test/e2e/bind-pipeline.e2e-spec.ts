import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, DEMO_WEBHOOK_SECRET, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

/**
 * The walking skeleton and the booking lifecycle: a plain Kafka producer plays the partner, the
 * four built services run as real processes, and the assertions read Postgres and the public topic.
 */
describe('booking events bind, extend, end and cancel cover', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);

  const policyEvents = (bookingId: string) =>
    probe.records.filter((r) => r.topic === policyTopic && r.key === bookingId).map((r) => r.json<{ type: string; data: Record<string, unknown> }>());
  const waitForPolicyEvent = (bookingId: string, type: string) =>
    probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === bookingId && r.json<{ type: string }>().type === type), 30_000, `${type} for ${bookingId}`);
  const policyRow = async (bookingId: string) => (await db.query('SELECT * FROM policy WHERE booking_id = $1', [bookingId])).rows;

  beforeAll(async () => {
    await probe.observe([policyTopic, testTopic(Topics.bookingEventsDlq)]);
    await platform.start(['booking-ingest', 'pricing', 'policy']);
  });
  afterAll(async () => {
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('binds a confirmed booking: one policy row with number, premium and breakdown, and com.kurumacover.policy.bound on the public topic', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');

    const [policy] = await policyRow(b.bookingId);
    expect(policy).toMatchObject({ status: 'bound', partner_id: 'demo', plan: 'standard' });
    expect(policy.policy_number).toMatch(/^KC-\d{8}-/);
    expect(policy.cover_start.toISOString()).toBe(new Date(b.startsAt).toISOString());
    expect(policy.cover_end.toISOString()).toBe(new Date(b.endsAt).toISOString());
    expect(policy.premium_yen).toBeGreaterThan(0);
    const steps = policy.breakdown as { amount: number }[];
    expect(steps.at(-1)?.amount).toBe(policy.premium_yen);

    const [bound] = policyEvents(b.bookingId);
    expect(bound?.data).toMatchObject({ bookingId: b.bookingId, status: 'bound', premium: policy.premium_yen, policyNumber: policy.policy_number });
    expect(bound?.data['tariffVersion']).toMatch(/^kc-carshare-/);
  });

  it('extends cover with an endorsement and ends early with a refund', async () => {
    // Starting this minute: cover is never backdated beyond the tariff's five-minute tolerance.
    // Two days booked: the tariff refunds early ends only from 36 booked hours (minus a 500 yen fee).
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(48 * 60) });
    const extendedTo = jstMinutesFromNow(60 * 60);
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent({ ...b, endsAt: extendedTo }, 'com.kurumacover.booking.extended', 4)),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.extended');
    const [bound, extended] = policyEvents(b.bookingId);
    expect(extended?.data['premiumDelta']).toBeGreaterThan(0);
    expect(extended?.data['premium']).toBe(Number(bound?.data['premium']) + Number(extended?.data['premiumDelta']));
    expect(new Date(String(extended?.data['coverEnd'])).toISOString()).toBe(new Date(extendedTo).toISOString());

    await probe.produce(bookingTopic, [asMessage(bookingEvent({ ...b, endsAt: extendedTo }, 'com.kurumacover.booking.ended', 5, { endedAt: jstMinutesFromNow(12 * 60) }))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.ended');
    const ended = policyEvents(b.bookingId).find((e) => e.type === 'com.kurumacover.policy.ended');
    expect(ended?.data['refund']).toBeGreaterThan(0);
    expect(ended?.data['refund']).toBeLessThan(Number(extended?.data['premium']) - 500);
    expect(ended?.data['reason']).toBe('early-end');
    const [policy] = await policyRow(b.bookingId);
    expect(policy).toMatchObject({ status: 'ended' });
    const endorsements = (await db.query('SELECT kind FROM endorsement WHERE policy_id = $1 ORDER BY created_at', [policy.id])).rows.map((r) => r.kind);
    expect(endorsements).toHaveLength(2);
  });

  it('refunds nothing when a short booking ends early (below the tariff minimum)', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
    const endedAt = jstMinutesFromNow(60);
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.ended', 4, { endedAt })),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.ended');
    const [policy] = await policyRow(b.bookingId);
    expect(policy).toMatchObject({ status: 'ended', refund_yen: 0 });
    expect(policy.cover_end.toISOString()).toBe(new Date(endedAt).toISOString());
  });

  it('cancels before the start with a full refund', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.cancelled');
    const [policy] = await policyRow(b.bookingId);
    expect(policy.status).toBe('cancelled');
    expect(policy.refund_yen).toBe(policy.premium_yen);
  });

  it('declines an ineligible driver with reason codes instead of binding', async () => {
    const b = newBooking({ driverAge: 17 });
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.declined');
    const declined = policyEvents(b.bookingId).find((e) => e.type === 'com.kurumacover.policy.declined');
    expect((declined?.data['reasons'] as { code: string }[]).map((r) => r.code).length).toBeGreaterThan(0);
    expect(policyEvents(b.bookingId).some((e) => e.type === 'com.kurumacover.policy.bound')).toBe(false);
  });

  it('applies a redelivered event once: one policy, one com.kurumacover.policy.bound', async () => {
    const b = newBooking();
    const created = asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1));
    const confirmed = asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2));
    await probe.produce(bookingTopic, [created, confirmed, confirmed, created, confirmed]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');
    // A later event of another booking on the same partition has been applied: nothing is pending.
    const marker = newBooking({ bookingId: `${b.bookingId}-m` });
    await probe.produce(bookingTopic, [asMessage(bookingEvent(marker, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(marker, 'com.kurumacover.booking.confirmed', 2))]);
    await waitForPolicyEvent(marker.bookingId, 'com.kurumacover.policy.bound');
    expect(await policyRow(b.bookingId)).toHaveLength(1);
    expect(policyEvents(b.bookingId).filter((e) => e.type === 'com.kurumacover.policy.bound')).toHaveLength(1);
  });

  it('applies events that arrive out of order in sequence order', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');
    expect((await policyRow(b.bookingId))[0]?.status).toBe('bound');
  });

  it('dead-letters poison with its reason and origin, and keeps the partition flowing', async () => {
    const b = newBooking();
    const invalid = bookingEvent(b, 'com.kurumacover.booking.confirmed', 2);
    (invalid.data as Record<string, unknown>)['plan'] = 'platinum';
    await probe.produce(bookingTopic, [
      { key: b.bookingId, value: '{ not json' },
      asMessage(invalid),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 3)),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');
    const dead = await probe.waitFor((rs) => rs.filter((r) => r.topic === testTopic(Topics.bookingEventsDlq) && r.key === b.bookingId).length >= 2, 20_000, 'two dead letters');
    const mine = dead.filter((r) => r.topic === testTopic(Topics.bookingEventsDlq) && r.key === b.bookingId);
    expect(mine).toHaveLength(2);
    for (const letter of mine) {
      expect(letter.headers[DeadLetterHeaders.originalTopic]).toBe(bookingTopic);
      expect(letter.headers[DeadLetterHeaders.originalOffset]).toMatch(/^\d+$/);
      expect(letter.headers[DeadLetterHeaders.reason]).toBeTruthy();
    }
    expect(mine.map((r) => r.headers[DeadLetterHeaders.reason]).join(' ')).toMatch(/plan/);
  });

  it('ends cover on time with no refund when the car comes back at the booked end', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.ended', 4, { endedAt: b.endsAt })),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.ended');
    expect(policyEvents(b.bookingId).map((e) => e.type)).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.policy.ended']);
    const [policy] = await policyRow(b.bookingId);
    expect(policy).toMatchObject({ status: 'ended', refund_yen: 0 });
    expect(policy.cover_end.toISOString()).toBe(new Date(b.endsAt).toISOString());
  });

  it('extends cover automatically in 30-minute steps when a started booking is not returned by its end', async () => {
    // An hour booked; the test stack extends cover ending within the hour (LATE_RETURN_LEAD_MS).
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(60) });
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.extended');
    const extended = policyEvents(b.bookingId).find((e) => e.type === 'com.kurumacover.policy.extended');
    expect(extended?.data).toMatchObject({ reason: 'late-return' });
    expect(Number(extended?.data['premiumDelta'])).toBeGreaterThan(0);
    expect(new Date(String(extended?.data['coverEnd'])).getTime()).toBe(new Date(b.endsAt).getTime() + 30 * 60_000);
  });

  it('cancels a started booking with a com.kurumacover.policy.ended from the cancellation time', async () => {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.cancelled', 4)),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.ended');
    expect(policyEvents(b.bookingId).find((e) => e.type === 'com.kurumacover.policy.ended')?.data['reason']).toBe('cancelled-after-start');
  });

  it('refunds a no-show less the tariff fee (300 yen)', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.no-show', 3))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.cancelled');
    const cancelled = policyEvents(b.bookingId).find((e) => e.type === 'com.kurumacover.policy.cancelled');
    expect(cancelled?.data['reason']).toBe('no-show');
    const [policy] = await policyRow(b.bookingId);
    expect(policy.refund_yen).toBeLessThan(policy.premium_yen);
    expect(policy.refund_yen).toBe(Math.max(0, policy.premium_yen - 300)); // kc-carshare-2026-10 no-show fee
  });

  it('rejects an impossible transition with a recorded reason and leaves the policy as it was', async () => {
    const b = newBooking();
    await probe.produce(bookingTopic, [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 4)),
    ]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.cancelled');
    await expect.poll(async () => (await db.query('SELECT reason FROM rejected_transition WHERE booking_id = $1', [b.bookingId])).rows.map((r) => r.reason), { timeout: 15_000 }).toEqual(['cannot start: policy is cancelled']);
    expect((await policyRow(b.bookingId))[0]?.status).toBe('cancelled');
  });

  it('shows a partner only its own policies on every read endpoint (404 otherwise)', async () => {
    const otherKey = `acme-api-key-${Date.now()}`;
    await db.query(
      `INSERT INTO partner (id, name, api_key_hash, webhook_secret) VALUES ('acme', 'Acme Share', $1, 'whsec_YWNtZS1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==')
       ON CONFLICT (id) DO UPDATE SET api_key_hash = EXCLUDED.api_key_hash`,
      [createHash('sha256').update(otherKey).digest('hex')],
    );
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');
    const [policy] = await policyRow(b.bookingId);
    const get = (path: string, key: string) => fetch(`${baseUrl('policy')}${path}`, { headers: { 'x-api-key': key } });

    const own = await get(`/v1/policies/${policy.id}`, DEMO_API_KEY);
    expect(own.status).toBe(200);
    const view = (await own.json()) as { breakdown: { code: string; amount: number; source?: string }[]; endorsements: unknown[] };
    expect(view.breakdown.at(-1)?.amount).toBe(policy.premium_yen);
    // Stored without sources; the partner still reads where every figure comes from.
    expect((policy.breakdown as { source?: string }[]).filter((s) => s.source)).toEqual([]);
    expect(view.breakdown.filter((s) => !s.source).map((s) => s.code)).toEqual([]);
    expect(view.endorsements).toEqual([]);
    expect(((await (await get(`/v1/policies?bookingId=${b.bookingId}`, DEMO_API_KEY)).json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(await (await get(`/v1/policies/${policy.id}/certificate`, DEMO_API_KEY)).text()).toContain(policy.policy_number);

    expect((await get(`/v1/policies/${policy.id}`, otherKey)).status).toBe(404);
    expect((await get(`/v1/policies/${policy.id}/certificate`, otherKey)).status).toBe(404);
    expect(((await (await get(`/v1/policies?bookingId=${b.bookingId}`, otherKey)).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await get(`/v1/policies/${policy.id}`, 'not-a-key')).status).toBe(401);
  });

  describe('POST /v1/booking-events (Standard Webhooks)', () => {
    const webhook = new Webhook(DEMO_WEBHOOK_SECRET);
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${baseUrl('booking-ingest')}/v1/booking-events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const signed = (id: string, body: string, at = new Date()) => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, at, body),
    });

    it('binds a booking posted with a valid signature, and answers a replay the same with no second effect', async () => {
      const b = newBooking();
      const created = JSON.stringify(bookingEvent(b, 'com.kurumacover.booking.created', 1));
      const confirmedEvent = bookingEvent(b, 'com.kurumacover.booking.confirmed', 2);
      const confirmed = JSON.stringify(confirmedEvent);
      expect((await post(created, signed('msg-1', created))).status).toBe(202);
      const first = await post(confirmed, signed('msg-2', confirmed));
      expect(first.status).toBe(202);
      const answer = await first.json();
      expect(answer).toEqual({ id: confirmedEvent.id, status: 'accepted' });
      const replay = await post(confirmed, signed('msg-2', confirmed));
      expect(replay.status).toBe(202);
      expect(await replay.json()).toEqual(answer);

      await waitForPolicyEvent(b.bookingId, 'com.kurumacover.policy.bound');
      const marker = newBooking({ bookingId: `${b.bookingId}-m` });
      await probe.produce(bookingTopic, [asMessage(bookingEvent(marker, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(marker, 'com.kurumacover.booking.confirmed', 2))]);
      await waitForPolicyEvent(marker.bookingId, 'com.kurumacover.policy.bound');
      expect(await policyRow(b.bookingId)).toHaveLength(1);
      expect(policyEvents(b.bookingId).filter((e) => e.type === 'com.kurumacover.policy.bound')).toHaveLength(1);
    });

    it('refuses a wrong signature and a timestamp outside the 5-minute tolerance with 401', async () => {
      const body = JSON.stringify(bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1));
      const forged = { ...signed('msg-3', body), 'webhook-signature': new Webhook('whsec_' + Buffer.from('another-partner-secret-0123456789').toString('base64')).sign('msg-3', new Date(), body) };
      expect((await post(body, forged)).status).toBe(401);
      const stale = await post(body, signed('msg-4', body, new Date(Date.now() - 6 * 60_000)));
      expect(stale.status).toBe(401);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect((await post(body, {})).status).toBe(401);
    });

    it("refuses with 403 a body claiming another partner than the caller's API key", async () => {
      const event = bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1);
      const other = { ...event, source: 'partner/acme', data: { ...event.data, partnerId: 'acme' } };
      const res = await post(JSON.stringify(other), { 'x-api-key': DEMO_API_KEY });
      expect(res.status).toBe(403);
    });

    it('answers an invalid event with 400 problem+json naming the field', async () => {
      const event = bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1);
      (event.data as Record<string, unknown>)['plan'] = 'platinum';
      const res = await post(JSON.stringify(event), { 'x-api-key': DEMO_API_KEY });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain('data.plan');
    });
  });

  describe('POST /v1/quotes', () => {
    const quote = (body: string, headers: Record<string, string> = { 'x-api-key': DEMO_API_KEY }) =>
      fetch(`${baseUrl('pricing')}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const request = () => bookingEvent(newBooking({ startsAt: jstMinutesFromNow(24 * 60), endsAt: jstMinutesFromNow(27 * 60) }), 'com.kurumacover.booking.created', 1).data;

    it('prices a booking with its breakdown and sources, and prices the same request to the same quote id', async () => {
      const body = JSON.stringify(request());
      const res = await quote(body);
      expect(res.status).toBe(200);
      const priced = (await res.json()) as { status: string; premium: number; quoteId: string; coverStart: string; billedMinutes: number; breakdown: { amount: number; source?: string }[] };
      expect(priced.status).toBe('quoted');
      expect(Number.isInteger(priced.premium) && priced.premium > 0).toBe(true);
      expect(priced.billedMinutes).toBe(180);
      expect(priced.coverStart).toMatch(/\+09:00$/);
      expect(priced.breakdown.at(-1)?.amount).toBe(priced.premium);
      expect(priced.breakdown.every((step) => typeof step.source === 'string' && step.source.length > 0)).toBe(true);
      const again = (await (await quote(body)).json()) as { quoteId: string };
      expect(again.quoteId).toBe(priced.quoteId);
    });

    it('refuses a missing API key with 401 and a field error with 400, both problem+json', async () => {
      const unauthenticated = await quote(JSON.stringify(request()), {});
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('content-type')).toContain('application/problem+json');
      const invalid = { ...request(), plan: 'platinum' };
      const res = await quote(JSON.stringify(invalid));
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[]; instance: string };
      expect(problem.errors.map((e) => e.field)).toContain('plan');
      expect(problem.instance).toBe('/v1/quotes');
    });

    it('answers a body that is not JSON with 400 naming the body, an unknown path with 404, and keeps quoting', async () => {
      const broken = await quote('{ "partnerId": "demo", ');
      expect(broken.status).toBe(400);
      expect(broken.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await broken.json()) as { type: string; errors: { field: string }[] };
      expect(problem.type).toBe('https://kurumacover.dev/problems/invalid-request');
      expect(problem.errors.map((e) => e.field)).toEqual(['(body)']);
      const missing = await fetch(`${baseUrl('pricing')}/v1/quote-typo`, { method: 'POST' });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect((await quote(JSON.stringify(request()))).status).toBe(200);
    });
  });
});
