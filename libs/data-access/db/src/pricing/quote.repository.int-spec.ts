import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverBookingRow } from '../driving/driver-record.repository';
import { SqlDatabase } from '../sql/sql-database';
import { type QuoteRecord, QuoteRepository } from './quote.repository';

/** The database the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/** pricing's writes for a chunk of booking events: its quotes and its drivers, in one statement. */
describe(`${QuoteRepository.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const sut = new QuoteRepository(db);
  const run = randomUUID().slice(0, 6);
  const partners = { sharing: `qs-share-${run}`, private: `qs-private-${run}` };

  beforeAll(async () => {
    for (const [id, shares] of [[partners.sharing, true], [partners.private, false]] as const) {
      await db.$executeRaw`INSERT INTO partner (id, name, api_key_hash, webhook_secret, share_driver_history) VALUES (${id}, ${id}, ${`hash-${id}`}, 'whsec_x', ${shares})`;
    }
  });
  afterAll(() => db.end());

  // The repository stores what it is given; the tariff engine's output is the use case's concern.
  const quoted = (partnerId: string, bookingId: string, premium: number): QuoteRecord =>
    ({
      partnerId,
      request: { bookingId, driver: { driverId: 'pseudonym' } },
      quote: { status: 'quoted', quoteId: `q-${bookingId}`, premium, tariffVersion: 'test-1', breakdown: { base: premium } },
    }) as unknown as QuoteRecord;
  const driver = (partnerId: string, bookingId: string, driverKey: string, pricedDriver?: Record<string, unknown>): DriverBookingRow => ({
    partnerId,
    bookingId,
    vehicleId: 'v-1',
    driverKey,
    sharedDriverKey: `shared-${driverKey}`,
    drivingConsent: true,
    ...(pricedDriver ? { pricedDriver } : {}),
  });
  const storedQuotes = (bookingId: string) => db.$queryRaw<{ id: string; premium_yen: number }[]>`SELECT id, premium_yen FROM quote WHERE booking_id = ${bookingId}`;
  const storedDriver = (partnerId: string, bookingId: string) =>
    db.$queryRaw<{ driver_key: string; shared_driver_key: string | null; priced_driver: unknown }[]>`
      SELECT driver_key, shared_driver_key, priced_driver FROM driver_booking WHERE partner_id = ${partnerId} AND booking_id = ${bookingId}`;

  it("stores a chunk's quotes once by id and its drivers, the last row of a booking winning, and a redelivery changes nothing", async () => {
    const booking = `b-${randomUUID().slice(0, 8)}`;
    // A booking's created and confirmed events: the same quote twice, and the driver as priced last.
    const chunk = () => sut.saveChunk([quoted(partners.private, booking, 1_480), quoted(partners.private, booking, 1_480)], [driver(partners.private, booking, 'k-1'), driver(partners.private, booking, 'k-1', { drivingScore: 82 })]);

    await chunk();
    await chunk();

    expect(await storedQuotes(booking)).toEqual([{ id: `q-${booking}`, premium_yen: 1_480 }]);
    expect(await storedDriver(partners.private, booking)).toEqual([{ driver_key: 'k-1', shared_driver_key: null, priced_driver: { drivingScore: 82 } }]);
  });

  it("keeps the shared driver key only for a partner that shares drivers' history", async () => {
    const booking = `b-${randomUUID().slice(0, 8)}`;

    await sut.saveChunk([], [driver(partners.sharing, booking, 'k-2'), driver(partners.private, booking, 'k-3')]);

    expect((await storedDriver(partners.sharing, booking))[0]?.shared_driver_key).toBe('shared-k-2');
    expect((await storedDriver(partners.private, booking))[0]?.shared_driver_key).toBeNull();
  });

  it('stores quotes with no driver rows', async () => {
    const booking = `b-${randomUUID().slice(0, 8)}`;

    await sut.saveChunk([quoted(partners.private, booking, 990)], []);

    expect(await storedQuotes(booking)).toEqual([{ id: `q-${booking}`, premium_yen: 990 }]);
    expect(await storedDriver(partners.private, booking)).toEqual([]);
  });
});
