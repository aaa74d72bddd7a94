import type { QuoteRequestV1 } from '@kuruma/contracts';
import type { DriverLookup, DriverRecordRepository } from '@kuruma/data-access-db';
import { type DriverRecordTotals, driverPseudonym, sharedDriverPseudonym } from '@kuruma/domain-rating';

/** One booking's or quote's driver, as the partner named them. */
export interface DriverOfRequest {
  partnerId: string;
  request: QuoteRequestV1;
}

/**
 * The platform's record of each driver, by pseudonym: the partner's driver reference is hashed
 * with the key here and never stored. Lookups of requests handled in the same turn of the event
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

  /** The pseudonyms of a request's driver at its partner. */
  pseudonymsOf(partnerId: string, request: QuoteRequestV1): DriverLookup {
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

  /** The sums behind one driver's score and experience (batched with the turn's other lookups). */
  totalsOf(partnerId: string, request: QuoteRequestV1, now: Date): Promise<DriverRecordTotals> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.send());
      this.waiting.push({ lookup: this.pseudonymsOf(partnerId, request), now, resolve, reject });
    });
  }

  /** The sums of many drivers at once (a chunk of booking events), in the order given. */
  async totalsOfAll(drivers: DriverOfRequest[], now: Date): Promise<DriverRecordTotals[]> {
    const lookups = drivers.map((d) => this.pseudonymsOf(d.partnerId, d.request));
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
