import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimsRepository, PartnerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { allPages, type components, createPartnerClient, type PartnerApi, quoteThenPolicies } from '@kuruma/partner-client';
import { baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, newBooking, PlatformProcesses, TEST_ENV, waitUntil } from '../../tools/harness';

type BookingEvent = components['schemas']['BookingEvent'];
type QuoteRequest = components['schemas']['QuoteRequest'];

/**
 * A partner integrating over HTTPS with the generated client (libs/partner-client) against the
 * real services: booking events in, quotes with Idempotency-Key, and the policy and claim lists
 * a page at a time, with cursors that are useless to any other partner.
 */
describe('the generated partner client against the running services', () => {
  const platform = new PlatformProcesses();
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const serviceUrls = { 'booking-ingest': baseUrl('booking-ingest'), pricing: baseUrl('pricing'), policy: baseUrl('policy'), 'claims-trigger': baseUrl('claims-trigger'), 'partner-webhooks': baseUrl('partner-webhooks') };
  const demo: PartnerApi = createPartnerClient({ apiKey: DEMO_API_KEY, serviceUrls });
  const rivalPartner = { id: `rival-client-${randomUUID().slice(0, 8)}`, apiKey: `rival-client-key-${randomUUID()}` };
  const rival: PartnerApi = createPartnerClient({ apiKey: rivalPartner.apiKey, serviceUrls });

  const quoteRequest = (b: ReturnType<typeof newBooking>): QuoteRequest => {
    const { sequence: _sequence, ...request } = bookingEvent(b, 'com.kurumacover.booking.created', 1).data;
    return request as QuoteRequest;
  };

  beforeAll(async () => {
    await new PartnerRepository(db).upsert({ id: rivalPartner.id, name: 'Rival', apiKey: rivalPartner.apiKey, webhookSecret: 'whsec_cml2YWw=' });
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await platform.stopAll();
    await db.$executeRaw`DELETE FROM partner WHERE id = ${rivalPartner.id}`;
    await db.end();
  });

  it('binds bookings sent with the client and reads every policy of the partner page by page, each once', async () => {
    const bookings = [newBooking(), newBooking(), newBooking()];
    for (const b of bookings) {
      for (const [type, sequence] of [['com.kurumacover.booking.created', 1], ['com.kurumacover.booking.confirmed', 2]] as const) {
        const sent = await demo.POST('/v1/booking-events', { body: bookingEvent(b, type, sequence) as BookingEvent });
        expect(sent.response.status).toBe(202);
      }
    }
    const boundCount = async () => {
      const found = await Promise.all(bookings.map((b) => demo.GET('/v1/policies', { params: { query: { bookingId: b.bookingId } } })));
      return found.filter((r) => r.data?.items[0]?.status === 'bound').length;
    };
    expect(await waitUntil(async () => (await boundCount()) === bookings.length, 60_000, 250)).toBe(true);

    const seen: string[] = [];
    let pages = 0;
    for await (const policy of allPages(async (cursor) => {
      pages++;
      const page = await demo.GET('/v1/policies', { params: { query: { limit: 2, cursor } } });
      if (!page.data) throw new Error(`page ${pages}: ${page.response.status}`);
      expect(page.data.items.length).toBeLessThanOrEqual(2);
      return page.data;
    })) {
      seen.push(policy.policyId);
      expect(policy.partnerId).toBe('demo');
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    const ours = await Promise.all(bookings.map(async (b) => (await demo.GET('/v1/policies', { params: { query: { bookingId: b.bookingId } } })).data?.items[0]?.policyId));
    expect(seen).toEqual(expect.arrayContaining(ours));
  });

  it("refuses a cursor to another partner, to another query and when altered, 400 naming cursor, and shows the rival none of demo's policies", async () => {
    const first = await demo.GET('/v1/policies', { params: { query: { limit: 1 } } });
    const cursor = first.data?.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const stolen = await rival.GET('/v1/policies', { params: { query: { limit: 1, cursor: cursor ?? '' } } });
    expect(stolen.response.status).toBe(400);
    expect(stolen.error).toMatchObject({ status: 400, errors: [{ field: 'cursor' }] });
    const otherQuery = await demo.GET('/v1/policies', { params: { query: { limit: 1, bookingId: 'another-booking', cursor: cursor ?? '' } } });
    expect(otherQuery.error).toMatchObject({ errors: [{ field: 'cursor' }] });
    const altered = `${(cursor ?? '').slice(0, -1)}${(cursor ?? '').endsWith('A') ? 'B' : 'A'}`;
    expect((await demo.GET('/v1/policies', { params: { query: { cursor: altered } } })).error).toMatchObject({ errors: [{ field: 'cursor' }] });
    expect((await demo.GET('/v1/policies', { params: { query: { limit: 101 } } })).error).toMatchObject({ errors: [{ field: 'limit' }] });
    expect((await rival.GET('/v1/policies', {})).data).toEqual({ items: [], nextCursor: null });
  });

  it('prices once per Idempotency-Key: the retry is the first answer again, marked replayed; another body under the key is 422', async () => {
    const request = quoteRequest(newBooking({ startsAt: jstMinutesFromNow(240), endsAt: jstMinutesFromNow(360) }));
    const key = randomUUID();
    const first = await demo.POST('/v1/quotes', { body: request, params: { header: { 'Idempotency-Key': key } } });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    const again = await demo.POST('/v1/quotes', { body: request, params: { header: { 'Idempotency-Key': key } } });
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toEqual(first.data);
    const changed = await demo.POST('/v1/quotes', { body: { ...request, plan: 'full' }, params: { header: { 'Idempotency-Key': key } } });
    expect(changed.response.status).toBe(422);
    expect(changed.error).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
  });

  it('runs the documented example: a quote, then every policy of the booking', async () => {
    const b = newBooking();
    for (const [type, sequence] of [['com.kurumacover.booking.created', 1], ['com.kurumacover.booking.confirmed', 2]] as const) await demo.POST('/v1/booking-events', { body: bookingEvent(b, type, sequence) as BookingEvent });
    expect(await waitUntil(async () => ((await demo.GET('/v1/policies', { params: { query: { bookingId: b.bookingId } } })).data?.items.length ?? 0) > 0, 60_000, 250)).toBe(true);
    const key = randomUUID();
    const sut = await quoteThenPolicies(demo, quoteRequest(b), key, 1);
    expect(sut.quote.status).toBe('quoted');
    expect(sut.replayed).toBe(false);
    expect(sut.policies.map((p) => p.bookingId)).toEqual([b.bookingId]);
    expect((await quoteThenPolicies(demo, quoteRequest(b), key)).replayed).toBe(true);
  });

  it("pages the partner's claims and replays a claim action sent twice with one key instead of acting twice", async () => {
    const vehicleId = `client-v-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const claimId = randomUUID();
      const policyId = randomUUID();
      const occurredAt = new Date(Date.UTC(2026, 10, 20, 1, i));
      await db.$transaction((tx) =>
        new ClaimsRepository().openClaim(
          tx,
          vehicleId,
          {
            id: claimId, claimNumber: `FNOL-C-${claimId.slice(0, 8)}`, accidentId: null, severity: 'major', policyId, policyNumber: `KC-C-${policyId.slice(0, 8)}`,
            bookingId: `bk-${policyId}`, partnerId: 'demo', driverId: 'drv-1', plan: 'standard', coverages: ['vehicle-damage'], reserveYen: 500_000, occurredAt, lat: null, lon: null, cause: 'collision',
          },
          { deviceId: `gw-${vehicleId}`, eventId: randomUUID(), channel: 'crash', payload: {}, occurredAt },
        ),
      );
      ids.push(claimId);
    }
    const listed: string[] = [];
    for await (const claim of allPages(async (cursor) => {
      const page = await demo.GET('/v1/claims', { params: { query: { vehicleId, limit: 2, cursor } } });
      if (!page.data) throw new Error(String(page.response.status));
      return page.data;
    })) listed.push(claim.id);
    expect(listed.sort()).toEqual([...ids].sort());
    const firstPage = await demo.GET('/v1/claims', { params: { query: { vehicleId, limit: 2 } } });
    expect((await rival.GET('/v1/claims', { params: { query: { vehicleId, limit: 2, cursor: firstPage.data?.nextCursor ?? '' } } })).error).toMatchObject({ errors: [{ field: 'cursor' }] });

    const claimId = ids[0] ?? '';
    const key = randomUUID();
    const confirm = () => demo.POST('/v1/claims/{claimId}/confirm', { params: { path: { claimId }, header: { 'Idempotency-Key': key } } });
    const first = await confirm();
    expect(first.data).toEqual({ claimId, status: 'confirmed', changed: true });
    const retry = await confirm();
    expect(retry.data).toEqual({ claimId, status: 'confirmed', changed: true });
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    const withdrawUnderSameKey = await demo.POST('/v1/claims/{claimId}/withdraw', { params: { path: { claimId }, header: { 'Idempotency-Key': key } } });
    expect(withdrawUnderSameKey.response.status).toBe(422);
  });
});
