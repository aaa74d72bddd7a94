import type { DatabaseTx } from '../prisma-client.factory';

/** A new event with its ordering outcome, stored in one insert. */
export interface DecidedBookingEvent {
  id: string;
  partnerId: string;
  bookingId: string;
  eventId: string;
  sequence: number;
  type: string;
  outcome: string;
  holdUntil: Date | null;
  envelope: unknown;
  driverKeys?: { driverKey: string; sharedDriverKey: string } | null;
}

export interface StoredPendingEvent {
  id: string;
  partnerId: string;
  bookingId: string;
  eventId: string;
  sequence: number;
  type: string;
  envelope: unknown;
  /** The driver's pseudonyms, for its accepted record (the envelope carries only the per-partner one); null on rows stored before they were kept. */
  driverKeys?: { driverKey: string; sharedDriverKey: string } | null;
  holdUntil: Date | null;
  /** The trace headers its accepted event is published with (not stored: a held event's release starts a new trace). */
  trace?: Record<string, string>;
}

/**
 * booking-ingest's tables: every received event (its history and the de-duplication key
 * (partner, event id)) and the applied sequence per booking. Set-based so a chunk of hundreds of
 * records costs a handful of statements.
 */
export class BookingEventRepository {
  /**
   * Which of these (partner, event id) pairs are stored already, as {@link eventKey}s. Asked
   * with the bookings locked, so no other transaction can store one of them meanwhile.
   */
  async existingEventKeys(tx: DatabaseTx, events: { partnerId: string; eventId: string }[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await tx.$queryRaw<{ partner_id: string; event_id: string }[]>`
      SELECT partner_id, event_id FROM booking_event
      WHERE (partner_id, event_id) IN (SELECT * FROM unnest(${events.map((e) => e.partnerId)}::text[], ${events.map((e) => e.eventId)}::text[]))`;
    return new Set(rows.map((r) => eventKey(r.partner_id, r.event_id)));
  }

  /**
   * Stores new events with the outcome the ordering already decided (one insert, no update after
   * it); returns how many were stored. A pair stored meanwhile is not stored twice.
   */
  async insertDecided(tx: DatabaseTx, events: DecidedBookingEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return tx.$executeRaw`
      INSERT INTO booking_event (id, partner_id, booking_id, event_id, sequence, type, outcome, hold_until, envelope, driver_keys)
      SELECT id, "partnerId", "bookingId", "eventId", sequence, type, outcome, "holdUntil", envelope, "driverKeys"
      FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
           AS x(id uuid, "partnerId" text, "bookingId" text, "eventId" text, sequence int, type text, outcome text, "holdUntil" timestamptz, envelope jsonb, "driverKeys" jsonb)
      ON CONFLICT (partner_id, event_id) DO NOTHING`;
  }

  /** Locks the bookings (creating them at sequence 0) and returns their applied sequence. */
  async lockBookings(tx: DatabaseTx, bookings: { partnerId: string; bookingId: string; vehicleId: string }[]): Promise<Map<string, number>> {
    if (bookings.length === 0) return new Map();
    const partners = bookings.map((b) => b.partnerId);
    const ids = bookings.map((b) => b.bookingId);
    await tx.$executeRaw`
      INSERT INTO booking (partner_id, booking_id, last_sequence, last_type, vehicle_id)
      SELECT p, b, 0, 'none', v FROM unnest(${partners}::text[], ${ids}::text[], ${bookings.map((b) => b.vehicleId)}::text[]) AS x(p, b, v)
      ON CONFLICT DO NOTHING`;
    const rows = await tx.$queryRaw<{ partner_id: string; booking_id: string; last_sequence: number }[]>`
      SELECT partner_id, booking_id, last_sequence FROM booking
      WHERE (partner_id, booking_id) IN (SELECT * FROM unnest(${partners}::text[], ${ids}::text[]))
      ORDER BY partner_id, booking_id
      FOR UPDATE`;
    return new Map(rows.map((r) => [bookingKey(r.partner_id, r.booking_id), r.last_sequence]));
  }

  /** Events of these bookings stored and still waiting (held for a gap in their sequence). */
  async pendingFor(tx: DatabaseTx, bookings: { partnerId: string; bookingId: string }[]): Promise<StoredPendingEvent[]> {
    if (bookings.length === 0) return [];
    const rows = await tx.$queryRaw<
      {
        id: string;
        partner_id: string;
        booking_id: string;
        event_id: string;
        sequence: number;
        type: string;
        envelope: unknown;
        driver_keys: StoredPendingEvent['driverKeys'];
        hold_until: Date | null;
      }[]
    >`
      SELECT id::text, partner_id, booking_id, event_id, sequence, type, envelope, driver_keys, hold_until FROM booking_event
      WHERE outcome IN ('received', 'held')
        AND (partner_id, booking_id) IN (SELECT * FROM unnest(${bookings.map((b) => b.partnerId)}::text[], ${bookings.map((b) => b.bookingId)}::text[]))`;
    return rows.map((r) => ({
      id: r.id,
      partnerId: r.partner_id,
      bookingId: r.booking_id,
      eventId: r.event_id,
      sequence: r.sequence,
      type: r.type,
      envelope: r.envelope,
      driverKeys: r.driver_keys,
      holdUntil: r.hold_until,
    }));
  }

  async setOutcomes(tx: DatabaseTx, outcomes: { id: string; outcome: string; holdUntil: Date | null }[]): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.$executeRaw`
      UPDATE booking_event SET outcome = x.o, hold_until = x.h
      FROM unnest(${outcomes.map((o) => o.id)}::uuid[], ${outcomes.map((o) => o.outcome)}::text[], ${outcomes.map((o) => o.holdUntil)}::timestamptz[]) AS x(i, o, h)
      WHERE booking_event.id = x.i`;
  }

  async setApplied(tx: DatabaseTx, applied: { partnerId: string; bookingId: string; lastSequence: number; lastType: string }[]): Promise<void> {
    if (applied.length === 0) return;
    await tx.$executeRaw`
      UPDATE booking SET last_sequence = x.s, last_type = x.t, updated_at = now()
      FROM unnest(${applied.map((a) => a.partnerId)}::text[], ${applied.map((a) => a.bookingId)}::text[],
                  ${applied.map((a) => a.lastSequence)}::int[], ${applied.map((a) => a.lastType)}::text[]) AS x(p, b, s, t)
      WHERE booking.partner_id = x.p AND booking.booking_id = x.b`;
  }

  /** Bookings with a held event whose wait is over; skips rows another instance is working on. */
  async bookingsWithExpiredHolds(tx: DatabaseTx, now: Date, limit: number): Promise<{ partnerId: string; bookingId: string; vehicleId: string }[]> {
    const rows = await tx.$queryRaw<{ partner_id: string; booking_id: string; vehicle_id: string }[]>`
      SELECT DISTINCT e.partner_id, e.booking_id, b.vehicle_id FROM booking_event e
      JOIN booking b ON b.partner_id = e.partner_id AND b.booking_id = e.booking_id
      WHERE e.outcome = 'held' AND e.hold_until <= ${now}
      LIMIT ${limit}`;
    return rows.map((r) => ({ partnerId: r.partner_id, bookingId: r.booking_id, vehicleId: r.vehicle_id }));
  }

  async outcomeOf(tx: DatabaseTx, partnerId: string, eventId: string): Promise<string | null> {
    const rows = await tx.$queryRaw<{ outcome: string }[]>`
      SELECT outcome FROM booking_event WHERE partner_id = ${partnerId} AND event_id = ${eventId}`;
    return rows[0]?.outcome ?? null;
  }
}

export const bookingKey = (partnerId: string, bookingId: string): string => `${partnerId}\u0000${bookingId}`;

/** The de-duplication key of a partner's event, as {@link BookingEventRepository.existingEventKeys} returns it. */
export const eventKey = (partnerId: string, eventId: string): string => `${partnerId}\u0000${eventId}`;
