import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type BookingAcceptedV1, type BookingPricedV1, vehicleDamageFlagKey } from '@kuruma/contracts';
import { DriverRecordRepository, DrivingTripRepository, QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import { DriverRecords } from '../driver-records/driver-records';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';
import { PriceBookingEventsUseCase } from './price-booking-events.use-case';

/** The database and Redis the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';

const now = new Date();
const inHours = (h: number) => new Date(Math.floor(now.getTime() / 60_000) * 60_000 + h * 3_600_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

function accepted(bookingId: string, vehicleId: string, type: BookingAcceptedV1['event']['type'], sequence: number, driver: Record<string, unknown> = { driverId: 'd-1' }): BookingAcceptedV1 {
  const data = {
    bookingId, partnerId: 'demo', startsAt: inHours(2), endsAt: inHours(8), plan: 'standard', sequence,
    vehicle: { vehicleId, category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
    driver: { age: 34, licenceColour: 'gold', grade: 12, ...driver },
  };
  const event = { specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: now.toISOString(), datacontenttype: 'application/json', data };
  return { partnerId: 'demo', ordering: 'in-sequence', acceptedAt: now.toISOString(), event } as BookingAcceptedV1;
}

describe(`${PriceBookingEventsUseCase.name} (real Postgres and Redis)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const redis = new Redis(TEST_REDIS_URL);
  const driverBookings = new DriverRecordRepository(db);
  const sut = new PriceBookingEventsUseCase(new QuoteRepository(db), new VehicleDamageLookup(redis), new DriverRecords(driverBookings, 'int-test-pseudonym-key-0123456789abcdef'), driverBookings);
  const trips = new DrivingTripRepository(db);
  /** A gateway's trip for a booking pricing recorded, stored as claims-trigger stores it. */
  async function drive(bookingId: string, km: number, harshBraking: number) {
    const booking = await trips.bookingOf('demo', bookingId);
    const row = { deviceId: 'gw-int', tripId: randomUUID(), partnerId: 'demo', bookingId, startedAt: new Date(now.getTime() - 7_200_000), endedAt: now };
    const scored = { driverKey: booking?.driverKey ?? '', distanceMetres: km * 1000, harshBraking, harshAcceleration: 0, speedingSeconds: 0, nightMinutes: 0 };
    await trips.insert(booking?.drivingConsent ? { ...row, scored } : row);
  }
  const price = async (events: BookingAcceptedV1[]) => {
    let priced: BookingPricedV1[] = [];
    await sut.execute(events, async (p) => void (priced = p));
    return priced;
  };
  const telematicsStep = (p: BookingPricedV1 | undefined) => (p?.quote?.status === 'quoted' ? p.quote.breakdown.find((s) => s.code === 'telematics') : undefined);
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

  it("prices a consenting driver's next booking with the platform's driving score instead of the partner's, and its later events with the same figures", async () => {
    const driverId = `drv-${randomUUID().slice(0, 8)}`;
    const partnerTelematics = { score: 40, km: 5000 };
    // A young driver with a blue licence: rating factors well inside the cap, so the premium shows the change.
    const driver = { driverId, age: 22, licenceColour: 'blue', grade: undefined, drivingDataConsent: true, telematics: partnerTelematics };
    const first = `b-${randomUUID().slice(0, 8)}`;
    const [before] = await price([accepted(first, 'v-ok', 'com.kurumacover.booking.confirmed', 1, driver)]);
    expect(telematicsStep(before)?.label).toBe('telematics score 40 over 5000 km (credibility 1)');

    await drive(first, 3000, 0);
    const next = `b-${randomUUID().slice(0, 8)}`;
    const [after] = await price([accepted(next, 'v-ok', 'com.kurumacover.booking.confirmed', 1, driver)]);
    expect(telematicsStep(after)?.label).toBe('platform driving score 100 from 1 trip over 3000 km (credibility 1)');
    expect(telematicsStep(after)?.factor).toBeLessThan(telematicsStep(before)?.factor ?? 0);
    expect(after?.quote?.status === 'quoted' && before?.quote?.status === 'quoted' && after.quote.premium < before.quote.premium).toBe(true);
    // Policy prices extensions from the event's request: it carries the figures the booking was priced with.
    expect(after?.event.data.driver.telematics).toEqual({ score: 100, km: 3000 });
    const [extended] = await price([accepted(next, 'v-ok', 'com.kurumacover.booking.extended', 2, driver)]);
    expect(extended?.event.data.driver.telematics).toEqual({ score: 100, km: 3000 });
  });

  it("keeps a non-consenting driver's trips out of their price, and another driver's trips out of this one's", async () => {
    const refusing = `drv-${randomUUID().slice(0, 8)}`;
    const other = `drv-${randomUUID().slice(0, 8)}`;
    const first = `b-${randomUUID().slice(0, 8)}`;
    const othersBooking = `b-${randomUUID().slice(0, 8)}`;
    await price([accepted(first, 'v-ok', 'com.kurumacover.booking.confirmed', 1, { driverId: refusing }), accepted(othersBooking, 'v-ok', 'com.kurumacover.booking.confirmed', 1, { driverId: other, drivingDataConsent: true })]);
    await drive(first, 3000, 90);
    await drive(othersBooking, 3000, 90);

    const [refusingNext] = await price([accepted(`b-${randomUUID().slice(0, 8)}`, 'v-ok', 'com.kurumacover.booking.confirmed', 1, { driverId: refusing, drivingDataConsent: true })]);
    expect(telematicsStep(refusingNext)?.label).toBe('no telematics: neutral');
    const stored = await db.$queryRaw<{ driver_key: string | null; distance_metres: number | null }[]>`SELECT driver_key, distance_metres FROM driving_trip WHERE booking_id = ${first}`;
    expect(stored).toEqual([{ driver_key: null, distance_metres: null }]);
    const [othersNext] = await price([accepted(`b-${randomUUID().slice(0, 8)}`, 'v-ok', 'com.kurumacover.booking.confirmed', 1, { driverId: other, drivingDataConsent: true })]);
    expect(telematicsStep(othersNext)?.label).toMatch(/^platform driving score 70 from 1 trip over 3000 km/);
  });
});
