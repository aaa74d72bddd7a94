import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';

/** The first tariff with a limits schedule, kc-carshare-2026-12, is in force from this instant. */
const LIMITS_IN_FORCE = Date.parse('2026-12-08T00:00:00+09:00');

/**
 * What the cover pays, as a partner reads it: the quote, the bound policy and its certificate show
 * each coverage's limit and deductible, the vehicle's value band and the exclusions; a vehicle
 * worth more than the top band is refused on both paths.
 */
describe('limits and what is insured, through the public API and topics', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);
  const dlqTopic = testTopic(Topics.bookingEventsDlq);

  /** A full-plan booking of a car worth `valueYen`, starting where the limits schedule applies. */
  const valuedBooking = (valueYen: number) => {
    const minutesAhead = Math.max(60, Math.ceil((LIMITS_IN_FORCE - Date.now()) / 60_000) + 60);
    const b = newBooking({ plan: 'full', startsAt: jstMinutesFromNow(minutesAhead), endsAt: jstMinutesFromNow(minutesAhead + 24 * 60) });
    const event = (type: 'com.kurumacover.booking.created' | 'com.kurumacover.booking.confirmed', sequence: number) => {
      const e = bookingEvent(b, type, sequence);
      (e.data.vehicle as Record<string, unknown>)['valueYen'] = valueYen;
      return e;
    };
    return { b, event };
  };
  const post = (body: unknown) => fetch(`${baseUrl('pricing')}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, body: JSON.stringify(body) });
  const get = (path: string) => fetch(`${baseUrl('policy')}${path}`, { headers: { 'x-api-key': DEMO_API_KEY } });

  interface Cover {
    basis: string;
    vehicleValue?: { band: string; agreedValueYen: number; declaredValueYen?: number; defaulted: boolean };
    coverages: { coverage: string; limit?: number | 'unlimited'; deductibleYen: number; sublimits?: { label: string; limitYen: number }[] }[];
    exclusions: { code: string }[];
  }
  const terms = (cover: Cover) => Object.fromEntries(cover.coverages.map((c) => [c.coverage, [c.limit, c.deductibleYen]]));
  const FULL_PLAN_AT_4_2M = {
    bodilyInjury: ['unlimited', 0],
    propertyDamage: ['unlimited', 0],
    personalInjury: [50_000_000, 0],
    vehicleDamageFull: [5_000_000, 50_000],
    roadAssistance: [150_000, 0],
  };

  beforeAll(async () => {
    await probe.observe([policyTopic, dlqTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy']);
  });
  afterAll(async () => {
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('a quote shows each limit and deductible, the value band it priced and the exclusions', async () => {
    const res = await post(valuedBooking(4_200_000).event('com.kurumacover.booking.created', 1).data);
    expect(res.status).toBe(200);
    const quote = (await res.json()) as { status: string; premium: number; breakdown: { code: string; label: string }[]; cover: Cover };

    expect(quote.status).toBe('quoted');
    expect(quote.cover.basis).toBe('tariff-limits');
    expect(terms(quote.cover)).toEqual(FULL_PLAN_AT_4_2M);
    expect(quote.cover.vehicleValue).toEqual({ band: '3m-5m', agreedValueYen: 5_000_000, declaredValueYen: 4_200_000, defaulted: false });
    expect(quote.cover.exclusions.map((e) => e.code)).toContain('earthquake-eruption-tsunami');
    expect(quote.breakdown.find((s) => s.code === 'vehicle-value')?.label).toContain('band 3m-5m');

    // The same booking with a cheaper car costs less: the band moves the vehicle-damage premium.
    const cheaper = (await (await post(valuedBooking(800_000).event('com.kurumacover.booking.created', 1).data)).json()) as { premium: number };
    expect(cheaper.premium).toBeLessThan(quote.premium);
  });

  it('refuses a quote for a car above the top band with 400 problem+json naming vehicle.valueYen', async () => {
    const res = await post(valuedBooking(12_000_000).event('com.kurumacover.booking.created', 1).data);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['vehicle.valueYen']);
  });

  it('a bound policy and its certificate show the same limits, agreed value and exclusions', async () => {
    const { b, event } = valuedBooking(4_200_000);
    await probe.produce(bookingTopic, [asMessage(event('com.kurumacover.booking.created', 1)), asMessage(event('com.kurumacover.booking.confirmed', 2))]);
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, 'com.kurumacover.policy.bound');
    const [row] = (await db.query('SELECT id FROM policy WHERE booking_id = $1', [b.bookingId])).rows;

    const policy = (await (await get(`/v1/policies/${row.id}`)).json()) as { cover: Cover };
    expect(terms(policy.cover)).toEqual(FULL_PLAN_AT_4_2M);
    expect(policy.cover.vehicleValue?.agreedValueYen).toBe(5_000_000);
    expect(policy.cover.coverages.find((c) => c.coverage === 'roadAssistance')?.sublimits?.map((s) => [s.label, s.limitYen])).toEqual([
      ['lodging', 20_000],
      ['onward travel', 20_000],
    ]);

    const certificate = (await (await get(`/v1/policies/${row.id}/certificate`)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(certificate).toContain('Bodily-injury liability Unlimited per victim None');
    expect(certificate).toMatch(/Vehicle damage ￥5,000,000 per accident ￥50,000/);
    expect(certificate).toContain('Not covered');
  });

  it('dead-letters a booking event for a car above the top band, naming the field', async () => {
    const { b, event } = valuedBooking(12_000_000);
    await probe.produce(bookingTopic, [asMessage(event('com.kurumacover.booking.created', 1))]);
    const dead = await probe.waitFor((rs) => rs.some((r) => r.topic === dlqTopic && r.key === b.bookingId), 20_000, 'dead letter');
    const letter = dead.find((r) => r.topic === dlqTopic && r.key === b.bookingId);
    expect(letter?.headers[DeadLetterHeaders.reason]).toMatch(/vehicle\.valueYen/);
    expect((await db.query('SELECT 1 FROM policy WHERE booking_id = $1', [b.bookingId])).rowCount).toBe(0);
  });
});
