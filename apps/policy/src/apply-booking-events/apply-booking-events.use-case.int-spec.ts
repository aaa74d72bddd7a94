import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookingEventV1, BookingPricedV1 } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import { priceQuote } from '@kuruma/domain-rating';
import { ApplyBookingEventsUseCase } from './apply-booking-events.use-case';

/** The database the int tier's global setup migrates for this run (see tools/harness/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

const acceptedAt = new Date();
const inHours = (h: number) => new Date(Math.floor(acceptedAt.getTime() / 60_000) * 60_000 + h * 3_600_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/** A booking event as pricing passes it on: created and confirmed ones with their quote. */
function priced(bookingId: string, type: BookingEventV1['type'], sequence: number): BookingPricedV1 {
  const data = {
    bookingId, partnerId: 'demo', startsAt: inHours(2), endsAt: inHours(8), plan: 'standard' as const, sequence,
    vehicle: { vehicleId: 'v-1', category: 'ordinary' as const, modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet' as const, rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold' as const, grade: 12 },
  };
  const { sequence: _sequence, ...request } = data;
  const quote = type === 'com.kurumacover.booking.created' || type === 'com.kurumacover.booking.confirmed' ? { quote: priceQuote(request, { now: acceptedAt, vehicleHasOpenDamageClaim: false, omitSources: true }) } : {};
  const event = { specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: acceptedAt.toISOString(), datacontenttype: 'application/json', data };
  return { partnerId: 'demo', ordering: 'in-sequence', acceptedAt: acceptedAt.toISOString(), event, ...quote, pricedAt: acceptedAt.toISOString() } as BookingPricedV1;
}

describe(`${ApplyBookingEventsUseCase.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  // A producer name of its own: the inbox and outbox rows of this test are its alone.
  const producer = `policy-test-${randomUUID().slice(0, 8)}`;
  const sut = new ApplyBookingEventsUseCase(db, producer, (base) => `int.${base}`);
  afterAll(() => db.end());

  const policyEvents = async (bookingId: string) =>
    (await db.$queryRaw<{ topic: string; payload: string }[]>`SELECT topic, payload FROM outbox WHERE producer = ${producer} AND key = ${bookingId} ORDER BY id`).map(
      (r) => [r.topic, (JSON.parse(r.payload) as { type: string }).type],
    );

  it('binds a confirmed booking in one commit: the policy row and com.kurumacover.policy.bound in the outbox', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;

    const result = await sut.execute([priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2)]);

    expect(result).toMatchObject({ applied: 2, duplicates: 0, rejected: 0, bound: [{ bookingId, acceptedAt: acceptedAt.toISOString() }] });
    const [policy] = await db.$queryRaw<{ status: string; premium_yen: number; policy_number: string | null }[]>`
      SELECT status, premium_yen, policy_number FROM policy WHERE partner_id = 'demo' AND booking_id = ${bookingId}`;
    expect(policy).toMatchObject({ status: 'bound', policy_number: expect.any(String) });
    expect(policy?.premium_yen).toBeGreaterThan(0);
    expect(await policyEvents(bookingId)).toEqual([['int.insurance.policy-events.v1', 'com.kurumacover.policy.bound']]);
  });

  it('applies a redelivered chunk once: duplicates counted, no second policy event', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const chunk = [priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2)];
    await sut.execute(chunk);

    expect(await sut.execute(chunk)).toMatchObject({ applied: 0, duplicates: 2, rejected: 0, bound: [] });
    expect(await policyEvents(bookingId)).toHaveLength(1);
  });
});
