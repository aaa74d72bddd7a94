import type { BookingAcceptedV1, QuoteRequestV1 } from '@kuruma/contracts';
import type { DriverLookup, DriverRecordRepository } from '@kuruma/data-access-db';
import { type DriverKeys, type DriverRecordTotals, driverPseudonym, sharedDriverPseudonym, withDriverPseudonyms } from '@kuruma/domain-rating';

/** One booking's or quote's driver: by the keys booking-ingest computed, or as the partner named them. */
export interface DriverOfRequest {
  partnerId: string;
  request: QuoteRequestV1;
  driverKeys?: DriverKeys;
}

/**
 * The platform's record of each driver, by pseudonym. Booking events arrive with the driver's
 * keys from booking-ingest (which dropped the reference); a quote's reference, and that of a
 * booking event accepted before ingest did so, is hashed with the key here and never stored. Lookups of requests handled in the same turn of the event
 * loop go to Postgres as one query (as the damage check batches Redis), so a burst of quotes
 * costs one round trip, not one each.
 */
export class DriverRecords {
  private waiting: { lookup: DriverLookup; now: Date; resolve: (t: DriverRecordTotals) => void; reject: (e: unknown) => void }[] = [];

  /**
   * The pseudonyms of the drivers seen last, by partner and reference: a booking's events ask for
   * the same driver's two HMACs up to four times (its created and confirmed events, each for the
   * lookup and for the booking's row), which was 6 % of pricing's CPU while draining bookings.
   * Emptied when full: a bound on memory, not an eviction policy worth its bookkeeping.
   */
  private readonly pseudonyms = new Map<string, DriverLookup>();

  constructor(
    private readonly repository: DriverRecordRepository,
    private readonly key: string,
    private readonly remembered = 4_096,
  ) {}

  /** The pseudonyms of a request's driver at its partner: those given (booking-ingest's), else hashed from its reference. */
  pseudonymsOf(partnerId: string, request: QuoteRequestV1, known?: DriverKeys): DriverLookup {
    if (known) return { partnerId, driverKey: known.driverKey, sharedDriverKey: known.sharedDriverKey };
    const reference = request.driver.driverId;
    // Length-prefixed, so no partner id and reference pair can spell another pair's key.
    const id = `${partnerId.length}:${partnerId}${reference}`;
    let lookup = this.pseudonyms.get(id);
    if (!lookup) {
      lookup = { partnerId, driverKey: driverPseudonym(this.key, partnerId, reference), sharedDriverKey: sharedDriverPseudonym(this.key, reference) };
      if (this.pseudonyms.size >= this.remembered) this.pseudonyms.clear();
      this.pseudonyms.set(id, lookup);
    }
    return lookup;
  }

  /**
   * A quote request as pricing prices and keeps it: the partner's driver references replaced by
   * the driver's pseudonym (and the owner's), with the driver's keys.
   */
  pseudonymous(partnerId: string, request: QuoteRequestV1): { request: QuoteRequestV1; driverKeys: DriverKeys } {
    const { driverKey, sharedDriverKey } = this.pseudonymsOf(partnerId, request);
    return { request: withDriverPseudonyms(this.key, partnerId, request, driverKey), driverKeys: { driverKey, sharedDriverKey } };
  }

  /**
   * A booking event as booking-ingest now forwards them: one accepted before ingest pseudonymised
   * (no `driverKeys`) gets its reference replaced here, so no record pricing writes or sends keeps it.
   */
  withPseudonyms(accepted: BookingAcceptedV1): BookingAcceptedV1 & { driverKeys: DriverKeys } {
    if (accepted.driverKeys) return { ...accepted, driverKeys: accepted.driverKeys };
    const { request, driverKeys } = this.pseudonymous(accepted.partnerId, accepted.event.data);
    return { ...accepted, event: { ...accepted.event, data: { ...accepted.event.data, ...request } }, driverKeys };
  }

  /** The sums behind one driver's score and experience (batched with the turn's other lookups). */
  totalsOf(partnerId: string, request: QuoteRequestV1, now: Date, known?: DriverKeys): Promise<DriverRecordTotals> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.send());
      this.waiting.push({ lookup: this.pseudonymsOf(partnerId, request, known), now, resolve, reject });
    });
  }

  /** The sums of many drivers at once (a chunk of booking events), in the order given. */
  async totalsOfAll(drivers: DriverOfRequest[], now: Date): Promise<DriverRecordTotals[]> {
    const lookups = drivers.map((d) => this.pseudonymsOf(d.partnerId, d.request, d.driverKeys));
    const found = await this.repository.totals(lookups, now);
    return lookups.map((l) => found.get(l.driverKey) ?? {});
  }

  private send(): void {
    const batch = this.waiting;
    this.waiting = [];
    // One clock for the batch: the requests arrived within the same turn.
    const now = batch[0]?.now ?? new Date();
    this.repository.totals(batch.map((w) => w.lookup), now).then(
      (found) => {
        for (const w of batch) w.resolve(found.get(w.lookup.driverKey) ?? {});
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}
