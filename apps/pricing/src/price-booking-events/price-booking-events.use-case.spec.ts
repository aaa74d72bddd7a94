import { describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import type { BookingAcceptedV1, BookingPricedV1 } from '@kuruma/contracts';
import type { DriverBookingRow, DriverLookup, DriverRecordRepository, QuoteRecord, QuoteRepository } from '@kuruma/data-access-db';
import { driverPseudonym, sharedDriverPseudonym } from '@kuruma/domain-rating';
import { DriverRecords } from '../driver-records/driver-records';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';
import { PriceBookingEventsUseCase } from './price-booking-events.use-case';

const now = new Date('2026-12-01T00:00:00Z');

/** A confirmed booking of `vehicleId` by `partnerId`, as booking-ingest accepts it. */
function accepted(partnerId: string, vehicleId: string): BookingAcceptedV1 {
  const bookingId = `bk-${partnerId}`;
  return {
    partnerId,
    ordering: 'in-sequence',
    acceptedAt: now.toISOString(),
    event: {
      specversion: '1.0', id: `${bookingId}-2`, source: `partner/${partnerId}`, type: 'com.kurumacover.booking.confirmed', subject: bookingId, time: now.toISOString(),
      datacontenttype: 'application/json',
      data: {
        bookingId, partnerId, startsAt: '2026-12-01T10:00:00+09:00', endsAt: '2026-12-01T14:00:00+09:00', plan: 'standard', sequence: 2,
        vehicle: { vehicleId, category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
        driver: { driverId: `drv-${partnerId}`, age: 34, licenceColour: 'gold', grade: 12 },
      },
    },
  } as BookingAcceptedV1;
}

describe(PriceBookingEventsUseCase.name, () => {
  it("finding 3: declines only the booking of the partner whose vehicle has an open damage claim, not another partner's car with the same id", async () => {
    // Redis as claims-trigger leaves it: partner a's car v-1 has an open damage claim.
    const flags = new Map([['vehicle-damage:a/v-1', '2026-12-01T00:00:00Z']]);
    const redis = { mget: async (keys: string[]) => keys.map((k) => flags.get(k) ?? null) } as unknown as Redis;
    const quotes = { saveChunk: async () => undefined } as unknown as QuoteRepository;
    // No driver on record: the platform's own figures play no part in this finding.
    const driverBookings = { totals: async () => new Map(), pricedDrivers: async () => new Map() } as unknown as DriverRecordRepository;
    const sut = new PriceBookingEventsUseCase(quotes, new VehicleDamageLookup(redis), new DriverRecords(driverBookings, 'k'.repeat(32)), driverBookings);
    let priced: BookingPricedV1[] = [];

    await sut.execute([accepted('a', 'v-1'), accepted('b', 'v-1')], async (p) => void (priced = p), now);

    const byPartner = Object.fromEntries(priced.map((p) => [p.partnerId, p.quote]));
    expect(byPartner['a']).toMatchObject({ status: 'declined', reasons: [expect.objectContaining({ code: 'vehicle-damage-unresolved' })] });
    expect(byPartner['b']).toMatchObject({ status: 'quoted' });
  });

  describe("the driver's pseudonyms", () => {
    const KEY = 'spec-driver-pseudonym-key-0123456789abcdef';
    /** Pricing's stores as the use case leaves them: the lookups asked, the quotes and driver rows written. */
    function stores() {
      const seen = { lookups: [] as DriverLookup[], quotes: [] as QuoteRecord[], drivers: [] as DriverBookingRow[], priced: [] as BookingPricedV1[] };
      const quotes = { saveChunk: async (q: QuoteRecord[], d: DriverBookingRow[]) => void (seen.quotes.push(...q), seen.drivers.push(...d)) } as unknown as QuoteRepository;
      const driverBookings = {
        totals: async (l: DriverLookup[]) => (seen.lookups.push(...l), new Map()),
        pricedDrivers: async () => new Map(),
      } as unknown as DriverRecordRepository;
      const redis = { mget: async (keys: string[]) => keys.map(() => null) } as unknown as Redis;
      const sut = new PriceBookingEventsUseCase(quotes, new VehicleDamageLookup(redis), new DriverRecords(driverBookings, KEY), driverBookings);
      const run = (a: BookingAcceptedV1) => sut.execute([a], async (p) => void seen.priced.push(...p), now);
      return { seen, run };
    }

    it("uses booking-ingest's keys as they come, without hashing the pseudonym in the event again", async () => {
      const { seen, run } = stores();
      const driverKeys = { driverKey: 'pseudonym-of-drv-a', sharedDriverKey: 'shared-of-drv-a' };
      const event = accepted('a', 'v-1');
      await run({ ...event, event: { ...event.event, data: { ...event.event.data, driver: { ...event.event.data.driver, driverId: driverKeys.driverKey } } }, driverKeys });

      expect(seen.lookups).toEqual([{ partnerId: 'a', ...driverKeys }]);
      expect(seen.drivers).toMatchObject([driverKeys]);
      expect(seen.quotes[0]?.request.driver.driverId).toBe(driverKeys.driverKey);
      expect(seen.priced[0]?.event.data.driver.driverId).toBe(driverKeys.driverKey);
    });

    it('hashes the reference of an event accepted before ingest pseudonymised, and keeps and passes on only the pseudonym', async () => {
      const { seen, run } = stores();
      const event = accepted('a', 'v-1');
      await run(event);

      const driverKey = driverPseudonym(KEY, 'a', 'drv-a');
      expect(seen.lookups).toEqual([{ partnerId: 'a', driverKey, sharedDriverKey: sharedDriverPseudonym(KEY, 'drv-a') }]);
      expect(seen.drivers).toMatchObject([{ driverKey }]);
      expect(JSON.stringify([seen.quotes, seen.priced])).not.toContain('drv-a');
      expect(seen.priced[0]?.event.data.driver.driverId).toBe(driverKey);
    });
  });
});
