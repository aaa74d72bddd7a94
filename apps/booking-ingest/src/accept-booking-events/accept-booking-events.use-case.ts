import { randomUUID } from 'node:crypto';
import { type BookingEventV1, present } from '@kuruma/contracts';
import { BookingEventRepository, bookingKey, eventKey, pipelined, type SqlTransactional, type StoredPendingEvent } from '@kuruma/data-access-db';
import { pseudonymousDriverOf } from '@kuruma/domain-rating';
import { BusinessClock } from '@kuruma/service-kit';
import { type ApplyContext, applyPendingEvents } from './apply-pending-events';

/** A schema-valid booking event and the partner it was authenticated as. */
export interface AuthenticatedBookingEvent {
  partnerId: string;
  event: BookingEventV1;
  /** Its trace headers for the accepted event (the ingest hop's span). */
  trace?: Record<string, string>;
}

export type IngestOutcome = 'accepted' | 'held' | 'stale' | 'duplicate' | 'released-after-gap-timeout';

export type AcceptBookingEventsConfig = Omit<ApplyContext, 'now'> & {
  /** DRIVER_PSEUDONYM_KEY: the driver's reference is replaced by its pseudonym before anything stores or forwards the event. */
  driverPseudonymKey: string;
};

/**
 * De-duplicates by (partner, event id), orders by sequence per booking and forwards what can be
 * applied: one transaction per chunk, committed once Kafka has the forwarded events. What is
 * stored and forwarded carries the driver's pseudonym, not the partner's reference
 * (docs/privacy.md). De-duplication is by (partner, event id) alone, so a replay of a raw event
 * is never compared with its stored, pseudonymised copy.
 */
export class AcceptBookingEventsUseCase {
  private readonly repo = new BookingEventRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly config: AcceptBookingEventsConfig,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  /** `now`, the acceptance instant pricing judges a cover start against, is business time. */
  async execute(events: AuthenticatedBookingEvent[], now = this.clock.now()): Promise<IngestOutcome[]> {
    if (events.length === 0) return [];
    return this.db.$transaction(async (tx) => {
      const bookings = new Map<string, { partnerId: string; bookingId: string; vehicleId: string }>();
      for (const { partnerId, event } of events) {
        bookings.set(bookingKey(partnerId, event.data.bookingId), { partnerId, bookingId: event.data.bookingId, vehicleId: event.data.vehicle.vehicleId });
      }
      // Lock first: then no other transaction can store one of these events until we commit, and
      // the duplicate check below stays true. One read then gives the duplicates and the events
      // the bookings still hold. It needs nothing from the lock's answer, so both go out together
      // (with BEGIN: one round trip), and Postgres runs the read once the lock is held.
      const [lastSequences, { seen, pending }] = await pipelined([
        this.repo.lockBookings(tx, [...bookings.values()]),
        this.repo.storedFor(
          tx,
          events.map(({ partnerId, event }) => ({ partnerId, eventId: event.id })),
          [...bookings.values()],
        ),
      ]);
      const fresh: StoredPendingEvent[] = [];
      const freshIds = new Map<string, string>();
      const touched = new Map<string, { partnerId: string; bookingId: string; vehicleId: string }>();
      for (const { partnerId, event, trace } of events) {
        const key = eventKey(partnerId, event.id);
        if (seen.has(key) || freshIds.has(key)) continue;
        const id = randomUUID();
        freshIds.set(key, id);
        const { request: data, driverKeys } = pseudonymousDriverOf(this.config.driverPseudonymKey, partnerId, event.data);
        const envelope: BookingEventV1 = { ...event, data };
        fresh.push({ id, partnerId, bookingId: event.data.bookingId, eventId: event.id, sequence: event.data.sequence, type: event.type, envelope, driverKeys, holdUntil: null, trace });
        const booking = bookingKey(partnerId, event.data.bookingId);
        touched.set(booking, present(bookings.get(booking), 'booking ' + booking));
      }
      const { driverPseudonymKey: _key, ...apply } = this.config;
      // Only the bookings with a fresh event are ordered (a chunk of duplicates changes nothing).
      const held = pending.filter((e) => touched.has(bookingKey(e.partnerId, e.bookingId)));
      const outcomes = await applyPendingEvents(tx, this.repo, [...touched.values()], { ...apply, now }, fresh, { lastSequences, pending: held });
      // A repeat of an event within the chunk gets the answer of its first copy, as before.
      return events.map(({ partnerId, event }): IngestOutcome => {
        const id = freshIds.get(eventKey(partnerId, event.id));
        return id ? ((outcomes.get(id) as IngestOutcome | undefined) ?? 'held') : 'duplicate';
      });
      // The read and the write of the chunk go by key over arrays: planned once, not on every chunk.
    }, { genericPlans: true });
  }
}
