import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type BookingEventV1, type BookingPricedV1, policyEventV1Schema } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import { priceQuote } from '@kuruma/domain-rating';
import { ApplyBookingEventsUseCase } from '../apply-booking-events/apply-booking-events.use-case';
import { ExtendLateReturnsJob } from './extend-late-returns.job';

/** The database the int tier's global setup migrates for this run (see tools/harness/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

const MINUTE = 60_000;
const acceptedAt = new Date();
const start = Math.floor(acceptedAt.getTime() / MINUTE) * MINUTE + 2 * 60 * MINUTE;
const maximum = new Date(start + 10_080 * MINUTE);
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/** A booking 20 minutes short of the 7-day maximum, as pricing passes its events on. */
function priced(bookingId: string, type: BookingEventV1['type'], sequence: number, over: { endsAt?: string } = {}): BookingPricedV1 {
  const data = {
    bookingId, partnerId: 'demo', startsAt: jst(start), endsAt: jst(maximum.getTime() - 20 * MINUTE), plan: 'standard' as const, sequence,
    vehicle: { vehicleId: 'v-1', category: 'ordinary' as const, modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet' as const, rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold' as const, grade: 12 },
    ...over,
  };
  const { sequence: _sequence, ...request } = data;
  const quote = type === 'com.kurumacover.booking.created' || type === 'com.kurumacover.booking.confirmed' ? { quote: priceQuote(request, { now: acceptedAt, vehicleHasOpenDamageClaim: false, omitSources: true }) } : {};
  const event = { specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: acceptedAt.toISOString(), datacontenttype: 'application/json', data };
  return { partnerId: 'demo', ordering: 'in-sequence', acceptedAt: acceptedAt.toISOString(), event, ...quote, pricedAt: acceptedAt.toISOString() } as BookingPricedV1;
}

describe(`${ExtendLateReturnsJob.name} at the 7-day product maximum (real Postgres, issue #17)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const producer = `policy-test-${randomUUID().slice(0, 8)}`;
  const topic = (base: string) => `int.${base}`;
  const useCase = new ApplyBookingEventsUseCase(db, producer, topic);
  const sut = new ExtendLateReturnsJob(db, producer, topic, 2 * MINUTE, 60_000, pino({ level: 'silent' }));
  afterAll(() => db.end());

  /** What the partner reads on its policy topic for the booking, as published (schema-checked). */
  const published = async (bookingId: string) =>
    (await db.$queryRaw<{ payload: string }[]>`SELECT payload FROM outbox WHERE producer = ${producer} AND key = ${bookingId} ORDER BY id`).map((r) =>
      policyEventV1Schema.parse(JSON.parse(r.payload)),
    );

  it('extends a late driver to the maximum and tells the partner before the cover ends; a later extension is declined with a notice', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    await useCase.execute([priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2), priced(bookingId, 'com.kurumacover.booking.started', 3)]);
    // Another late driver whose policy's tariff version can no longer price (as the chaos suite's
    // stale-tariff case makes one): it is skipped and must not keep this one uninsured.
    const stale = `b-${randomUUID().slice(0, 8)}`;
    await useCase.execute([priced(stale, 'com.kurumacover.booking.created', 1), priced(stale, 'com.kurumacover.booking.confirmed', 2), priced(stale, 'com.kurumacover.booking.started', 3)]);
    await db.$executeRaw`UPDATE policy SET tariff_version = split_part(tariff_version, '@', 1) || '@stale0000000000' WHERE booking_id = ${stale}`;

    const tick = new Date(maximum.getTime() - 21 * MINUTE);
    expect(await sut.tick(tick)).toBeGreaterThanOrEqual(1);
    expect((await published(stale)).map((e) => e.type)).toEqual(['com.kurumacover.policy.bound']);

    const afterTick = await published(bookingId);
    expect(afterTick.map((e) => e.type)).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.policy.extended', 'com.kurumacover.policy.cover-limit-reached']);
    const notice = afterTick[2];
    expect(notice?.data).toMatchObject({ reason: 'maximum-duration', coverEnd: jst(maximum.getTime()), status: 'active' });
    expect(Date.parse(notice?.time ?? '')).toBeLessThan(maximum.getTime());
    expect(afterTick[1]?.data.premiumDelta).toBeGreaterThan(0);

    // The partner extends to 10 days anyway: nothing is charged, cover stays at the maximum, the partner is told again.
    await useCase.execute([priced(bookingId, 'com.kurumacover.booking.extended', 4, { endsAt: jst(start + 10 * 24 * 60 * MINUTE) })]);
    const afterExtension = await published(bookingId);
    expect(afterExtension.map((e) => e.type)).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.policy.extended', 'com.kurumacover.policy.cover-limit-reached', 'com.kurumacover.policy.cover-limit-reached']);
    expect(afterExtension[3]?.data).toMatchObject({ coverEnd: jst(maximum.getTime()), premium: afterTick[1]?.data.premium, premiumDelta: 0 });
    const [row] = await db.$queryRaw<{ cover_end: Date }[]>`SELECT cover_end FROM policy WHERE partner_id = 'demo' AND booking_id = ${bookingId}`;
    expect(row?.cover_end).toEqual(maximum);
  });
});
