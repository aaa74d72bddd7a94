import { type BookingAcceptedV1, type BookingPricedV1, type QuoteV1, vehicleDamageFlagKey } from '@kuruma/contracts';
import type { QuoteRecord, QuoteRepository } from '@kuruma/data-access-db';
import { priceQuote } from '@kuruma/domain-rating';
import type { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';

/** Booking events that need a price: the booking is being offered or bought. */
const BOOKABLE = new Set(['com.kurumacover.booking.created', 'com.kurumacover.booking.confirmed']);

/**
 * Prices every bookable event with the tariff engine (checking the vehicle-damage fraud guard)
 * and passes the rest through, in order, for policy to apply.
 */
export class PriceBookingEventsUseCase {
  constructor(
    private readonly quotes: QuoteRepository,
    private readonly damage: VehicleDamageLookup,
  ) {}

  /**
   * Resolves once the quotes are stored and `publish` has delivered the priced events. The two
   * run at once: neither needs the other (policy never reads pricing's table), and the caller
   * commits its offsets only after both, so a failure of either redelivers the chunk: quotes are
   * stored once by id and policy's inbox drops a priced event it has applied.
   */
  async execute(accepted: BookingAcceptedV1[], publish: (priced: BookingPricedV1[]) => Promise<void>, now = new Date()): Promise<void> {
    const bookable = accepted.filter((a) => BOOKABLE.has(a.event.type));
    // By the authenticated partner's vehicle: another partner's claim on the same vehicle id is not this car's.
    const damaged = await this.damage.withOpenDamage(bookable.map((a) => ({ partnerId: a.partnerId, vehicleId: a.event.data.vehicle.vehicleId })));
    const records: QuoteRecord[] = [];
    const priced = accepted.map((a): BookingPricedV1 => {
      let quote: QuoteV1 | undefined;
      if (BOOKABLE.has(a.event.type)) {
        // The quote request without the event's ordering fields: a booking's created and
        // confirmed events ask for the same cover and get the same quote (same id, stored once).
        const { sequence: _sequence, endedAt: _endedAt, ...request } = a.event.data;
        // "start in past" is judged at acceptance, not at pricing, so a lagging consumer or a
        // replay cannot decline a booking that was on time when the partner sent it. Sources are
        // left out of what is stored and passed on: the tariff version fixes them (about half of
        // each quote's bytes).
        quote = priceQuote(request, { now: new Date(a.acceptedAt), vehicleHasOpenDamageClaim: damaged.has(vehicleDamageFlagKey(a.partnerId, request.vehicle.vehicleId)), omitSources: true });
        records.push({ partnerId: a.partnerId, request, quote });
      }
      return { ...a, ...(quote ? { quote } : {}), pricedAt: now.toISOString() };
    });
    await Promise.all([this.quotes.saveAll(records), publish(priced)]);
  }
}
