import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type BookingAcceptedV1, type BookingPricedV1, vehicleDamageFlagKey } from '@kuruma/contracts';
import { QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';
import { PriceBookingEventsUseCase } from './price-booking-events.use-case';

/** The database and Redis the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';

const now = new Date();
const inHours = (h: number) => new Date(Math.floor(now.getTime() / 60_000) * 60_000 + h * 3_600_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

function accepted(bookingId: string, vehicleId: string, type: BookingAcceptedV1['event']['type'], sequence: number): BookingAcceptedV1 {
  const data = {
    bookingId, partnerId: 'demo', startsAt: inHours(2), endsAt: inHours(8), plan: 'standard', sequence,
    vehicle: { vehicleId, category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold', grade: 12 },
  };
  const event = { specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: now.toISOString(), datacontenttype: 'application/json', data };
  return { partnerId: 'demo', ordering: 'in-sequence', acceptedAt: now.toISOString(), event } as BookingAcceptedV1;
}

describe(`${PriceBookingEventsUseCase.name} (real Postgres and Redis)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const redis = new Redis(TEST_REDIS_URL);
  const sut = new PriceBookingEventsUseCase(new QuoteRepository(db), new VehicleDamageLookup(redis));
  afterAll(async () => {
    redis.disconnect();
    await db.end();
  });

  it("quotes a booking's created and confirmed events the same, stores that quote once, and passes other events through in order", async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    let priced: BookingPricedV1[] = [];

    await sut.execute([accepted(bookingId, 'v-ok', 'com.kurumacover.booking.created', 1), accepted(bookingId, 'v-ok', 'com.kurumacover.booking.confirmed', 2), accepted(bookingId, 'v-ok', 'com.kurumacover.booking.started', 3)], async (p) => void (priced = p));

    expect(priced.map((p) => [p.event.type, p.quote?.status])).toEqual([['com.kurumacover.booking.created', 'quoted'], ['com.kurumacover.booking.confirmed', 'quoted'], ['com.kurumacover.booking.started', undefined]]);
    expect(priced[0]?.quote).toEqual(priced[1]?.quote);
    const stored = await db.$queryRaw<{ id: string }[]>`SELECT id FROM quote WHERE partner_id = 'demo' AND booking_id = ${bookingId}`;
    const quote = priced[0]?.quote;
    expect(stored.map((q) => q.id)).toEqual([quote?.status === 'quoted' ? quote.quoteId : 'no quote']);
  });

  it('declines a booking of a vehicle whose damage flag claims-trigger has set', async () => {
    const vehicleId = `v-${randomUUID().slice(0, 8)}`;
    await redis.set(vehicleDamageFlagKey('demo', vehicleId), 'rebuilt');
    let priced: BookingPricedV1[] = [];

    await sut.execute([accepted(`b-${randomUUID().slice(0, 8)}`, vehicleId, 'com.kurumacover.booking.confirmed', 1)], async (p) => void (priced = p));

    expect(priced[0]?.quote).toMatchObject({ status: 'declined', reasons: [expect.objectContaining({ code: 'vehicle-damage-unresolved' })] });
    await redis.del(vehicleDamageFlagKey('demo', vehicleId));
  });
});
