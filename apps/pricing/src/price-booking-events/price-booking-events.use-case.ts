import { type BookingAcceptedV1, type BookingPricedV1, type QuoteV1, vehicleDamageFlagKey } from '@kuruma/contracts';
import type { DriverBookingRow, DriverRecordRepository, QuoteRecord, QuoteRepository } from '@kuruma/data-access-db';
import { applyDriverRecord, driverInputsOf, type PricedDriverInputs, priceQuote, withDriverInputs } from '@kuruma/domain-rating';
import { BusinessClock } from '@kuruma/service-kit';
import type { DriverRecords } from '../driver-records/driver-records';
import type { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';

/** Booking events that need a price: the booking is being offered or bought. */
const BOOKABLE = new Set(['com.kurumacover.booking.created', 'com.kurumacover.booking.confirmed']);

const bookingKey = (a: BookingAcceptedV1) => `${a.partnerId}/${a.event.data.bookingId}`;

/**
 * Prices every bookable event with the tariff engine (checking the vehicle-damage fraud guard and
 * the platform's own record of the driver) and passes the rest through, in order, for policy to
 * apply. Where the platform's record priced a booking, every event of it passes on the driver
 * inputs it was priced with, so policy prices its extensions and refunds with the same figures.
 */
export class PriceBookingEventsUseCase {
  constructor(
    private readonly quotes: QuoteRepository,
    private readonly damage: VehicleDamageLookup,
    private readonly drivers: DriverRecords,
    private readonly driverBookings: DriverRecordRepository,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  /**
   * Resolves once the quotes and drivers are stored (one statement) and `publish` has delivered
   * the priced events. The two run at once: neither needs the other (policy never reads pricing's
   * tables), and the caller commits its offsets only after both, so a failure of either redelivers
   * the chunk: quotes are stored once by id, a booking's driver row is rewritten, and policy's
   * inbox drops a priced event it has applied.
   */
  async execute(received: BookingAcceptedV1[], publish: (priced: BookingPricedV1[]) => Promise<void>, now = this.clock.now()): Promise<void> {
    // The driver by booking-ingest's pseudonyms: nothing here hashes a reference again.
    const accepted = received.map((a) => this.drivers.withPseudonyms(a));
    const bookable = accepted.filter((a) => BOOKABLE.has(a.event.type));
    const later = accepted.filter((a) => !BOOKABLE.has(a.event.type));
    // By the authenticated partner's vehicle: another partner's claim on the same vehicle id is not this car's.
    const [damaged, totals, earlier] = await Promise.all([
      this.damage.withOpenDamage(bookable.map((a) => ({ partnerId: a.partnerId, vehicleId: a.event.data.vehicle.vehicleId }))),
      this.drivers.totalsOfAll(bookable.map((a) => ({ partnerId: a.partnerId, request: a.event.data, driverKeys: a.driverKeys })), now),
      this.driverBookings.pricedDrivers(later.map((a) => ({ partnerId: a.partnerId, bookingId: a.event.data.bookingId }))),
    ]);
    const records: QuoteRecord[] = [];
    const drivers: DriverBookingRow[] = [];
    // Within a chunk, a booking's later events take the inputs its bookable event was just priced with.
    const pricedInputs = new Map<string, PricedDriverInputs | undefined>();
    let nextBookable = 0;
    const priced = accepted.map((a): BookingPricedV1 => {
      if (!BOOKABLE.has(a.event.type)) {
        const inputs = pricedInputs.has(bookingKey(a)) ? pricedInputs.get(bookingKey(a)) : (earlier.get(bookingKey(a)) as PricedDriverInputs | undefined);
        const event = inputs ? { ...a.event, data: withDriverInputs(a.event.data, inputs) } : a.event;
        return { ...a, event, pricedAt: now.toISOString() };
      }
      // The quote request without the event's ordering fields: a booking's created and
      // confirmed events ask for the same cover and get the same quote (same id, stored once).
      const { sequence: _sequence, endedAt: _endedAt, ...request } = a.event.data;
      const driver = applyDriverRecord(request, totals[nextBookable++]);
      // "start in past" is judged at acceptance, not at pricing, so a lagging consumer or a
      // replay cannot decline a booking that was on time when the partner sent it. Sources are
      // left out of what is stored and passed on: the tariff version fixes them (about half of
      // each quote's bytes).
      const quote: QuoteV1 = priceQuote(driver.request, {
        now: new Date(a.acceptedAt),
        vehicleHasOpenDamageClaim: damaged.has(vehicleDamageFlagKey(a.partnerId, request.vehicle.vehicleId)),
        omitSources: true,
        driverRecord: driver.record,
      });
      records.push({ partnerId: a.partnerId, request: driver.request, quote });
      const inputs = driverInputsOf(driver.request, driver.record);
      pricedInputs.set(bookingKey(a), inputs);
      const { driverKey, sharedDriverKey } = a.driverKeys;
      drivers.push({
        partnerId: a.partnerId,
        bookingId: request.bookingId,
        vehicleId: request.vehicle.vehicleId,
        driverKey,
        sharedDriverKey,
        drivingConsent: request.driver.drivingDataConsent === true,
        ...(inputs ? { pricedDriver: inputs } : {}),
      });
      const event = inputs ? { ...a.event, data: withDriverInputs(a.event.data, inputs) } : a.event;
      return { ...a, event, quote, pricedAt: now.toISOString() };
    });
    await Promise.all([this.quotes.saveChunk(records, drivers), publish(priced)]);
  }
}
