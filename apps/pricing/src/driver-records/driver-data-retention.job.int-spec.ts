import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DriverRecordRepository, DrivingTripRepository, QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import { DriverDataRetentionJob } from './driver-data-retention.job';

/** The database the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const DAY_MS = 86_400_000;

describe(`${DriverDataRetentionJob.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const repository = new DriverRecordRepository(db);
  const trips = new DrivingTripRepository(db);
  const sut = new DriverDataRetentionJob(repository, { tripDays: 30, bookingDays: 90, intervalMs: 60_000 }, pino({ level: 'silent' }));
  afterAll(() => db.end());

  const trip = (bookingId: string, endedDaysAgo: number, now: Date) => ({
    deviceId: 'gw-retention',
    tripId: randomUUID(),
    partnerId: 'demo',
    bookingId,
    startedAt: new Date(now.getTime() - endedDaysAgo * DAY_MS - 3_600_000),
    endedAt: new Date(now.getTime() - endedDaysAgo * DAY_MS),
    scored: { driverKey: `k-${bookingId}`, distanceMetres: 1000, harshBraking: 0, harshAcceleration: 0, speedingSeconds: 0, nightMinutes: 0 },
  });

  it('deletes trips that ended, and booking links recorded, before their retention periods, and keeps the rest', async () => {
    const now = new Date();
    const old = trip(`b-${randomUUID().slice(0, 8)}`, 31, now);
    const recent = trip(`b-${randomUUID().slice(0, 8)}`, 29, now);
    await trips.insert(old);
    await trips.insert(recent);
    const link = (bookingId: string) => ({ partnerId: 'demo', bookingId, vehicleId: 'v-1', driverKey: `k-${bookingId}`, sharedDriverKey: 's', drivingConsent: true });
    // As pricing records a chunk's drivers (with no quotes here).
    await new QuoteRepository(db).saveChunk([], [link(old.bookingId), link(recent.bookingId)]);
    await db.$executeRaw`UPDATE driver_booking SET recorded_at = ${new Date(now.getTime() - 91 * DAY_MS)} WHERE booking_id = ${old.bookingId}`;

    const deleted = await sut.tick(now);

    expect(deleted.trips).toBeGreaterThanOrEqual(1);
    expect(deleted.bookings).toBeGreaterThanOrEqual(1);
    const left = await db.$queryRaw<{ trip_id: string }[]>`SELECT trip_id FROM driving_trip WHERE trip_id IN (${old.tripId}, ${recent.tripId})`;
    expect(left.map((r) => r.trip_id)).toEqual([recent.tripId]);
    const links = await db.$queryRaw<{ booking_id: string }[]>`SELECT booking_id FROM driver_booking WHERE booking_id IN (${old.bookingId}, ${recent.bookingId})`;
    expect(links.map((r) => r.booking_id)).toEqual([recent.bookingId]);
  });
});
