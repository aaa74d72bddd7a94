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
   * Locks the bookings, creating them at sequence 0, and returns their applied sequence: one
   * statement, in key order (every transaction locks bookings in the same order). ON CONFLICT DO
   * UPDATE locks an existing row as FOR UPDATE would and, unlike a SELECT in the same statement,
   * also finds a row another transaction inserted and committed while this one waited for it.
   */
  async lockBookings(tx: DatabaseTx, bookings: { partnerId: string; bookingId: string; vehicleId: string }[]): Promise<Map<string, number>> {
    if (bookings.length === 0) return new Map();
    const rows = await tx.$queryRaw<{ partner_id: string; booking_id: string; last_sequence: number }[]>`
      INSERT INTO booking AS bk (partner_id, booking_id, last_sequence, last_type, vehicle_id)
      SELECT DISTINCT ON (p, b) p, b, 0, 'none', v
      FROM unnest(${bookings.map((b) => b.partnerId)}::text[], ${bookings.map((b) => b.bookingId)}::text[], ${bookings.map((b) => b.vehicleId)}::text[]) AS x(p, b, v)
      ORDER BY p, b
      ON CONFLICT (partner_id, booking_id) DO UPDATE SET last_sequence = bk.last_sequence
      RETURNING partner_id, booking_id, last_sequence`;
    return new Map(rows.map((r) => [bookingKey(r.partner_id, r.booking_id), r.last_sequence]));
  }

  /**
   * Asked with the bookings locked, so no other transaction can store one of these events
   * meanwhile, in one statement: which of the (partner, event id) pairs are stored already (as
   * {@link eventKey}s), and the events of the bookings stored and still waiting (held for a gap in
   * their sequence).
   */
  async storedFor(
    tx: DatabaseTx,
    events: { partnerId: string; eventId: string }[],
    bookings: { partnerId: string; bookingId: string }[],
  ): Promise<{ seen: Set<string>; pending: StoredPendingEvent[] }> {
    if (events.length === 0 && bookings.length === 0) return { seen: new Set(), pending: [] };
    const rows = await tx.$queryRaw<
      {
        pending: boolean;
        id: string | null;
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
      SELECT false AS pending, NULL::text AS id, partner_id, booking_id, event_id, sequence, type, NULL::jsonb AS envelope, NULL::jsonb AS driver_keys, hold_until
      FROM booking_event
      WHERE (partner_id, event_id) IN (SELECT * FROM unnest(${events.map((e) => e.partnerId)}::text[], ${events.map((e) => e.eventId)}::text[]))
      UNION ALL
      SELECT true, id::text, partner_id, booking_id, event_id, sequence, type, envelope, driver_keys, hold_until FROM booking_event
      WHERE outcome IN ('received', 'held')
        AND (partner_id, booking_id) IN (SELECT * FROM unnest(${bookings.map((b) => b.partnerId)}::text[], ${bookings.map((b) => b.bookingId)}::text[]))`;
    const seen = new Set<string>();
    const pending: StoredPendingEvent[] = [];
    for (const r of rows) {
      if (!r.pending) seen.add(eventKey(r.partner_id, r.event_id));
      else {
        pending.push({
          id: r.id as string,
          partnerId: r.partner_id,
          bookingId: r.booking_id,
          eventId: r.event_id,
          sequence: r.sequence,
          type: r.type,
          envelope: r.envelope,
          driverKeys: r.driver_keys,
          holdUntil: r.hold_until,
        });
      }
    }
    return { seen, pending };
  }

  /**
   * Writes what ordering decided, in one statement: the new events with their outcome (a pair
   * stored meanwhile is not stored twice), the stored ones whose outcome moved, and each booking's
   * applied sequence. Returns how many new events were stored.
   */
  async saveDecisions(
    tx: DatabaseTx,
    d: {
      inserts: DecidedBookingEvent[];
      outcomes: { id: string; outcome: string; holdUntil: Date | null }[];
      applied: { partnerId: string; bookingId: string; lastSequence: number; lastType: string }[];
    },
  ): Promise<number> {
    if (d.inserts.length === 0 && d.outcomes.length === 0 && d.applied.length === 0) return 0;
    const rows = await tx.$queryRaw<{ inserted: number }[]>`
      WITH inserted AS (
        INSERT INTO booking_event (id, partner_id, booking_id, event_id, sequence, type, outcome, hold_until, envelope, driver_keys)
        SELECT id, "partnerId", "bookingId", "eventId", sequence, type, outcome, "holdUntil", envelope, "driverKeys"
        FROM jsonb_to_recordset(${JSON.stringify(d.inserts)}::jsonb)
             AS x(id uuid, "partnerId" text, "bookingId" text, "eventId" text, sequence int, type text, outcome text, "holdUntil" timestamptz, envelope jsonb, "driverKeys" jsonb)
        ON CONFLICT (partner_id, event_id) DO NOTHING
        RETURNING 1
      ), moved AS (
        UPDATE booking_event SET outcome = x.o, hold_until = x.h
        FROM unnest(${d.outcomes.map((o) => o.id)}::uuid[], ${d.outcomes.map((o) => o.outcome)}::text[], ${d.outcomes.map((o) => o.holdUntil)}::timestamptz[]) AS x(i, o, h)
        WHERE booking_event.id = x.i
        RETURNING 1
      ), applied AS (
        UPDATE booking SET last_sequence = x.s, last_type = x.t, updated_at = now()
        FROM unnest(${d.applied.map((a) => a.partnerId)}::text[], ${d.applied.map((a) => a.bookingId)}::text[],
                    ${d.applied.map((a) => a.lastSequence)}::int[], ${d.applied.map((a) => a.lastType)}::text[]) AS x(p, b, s, t)
        WHERE booking.partner_id = x.p AND booking.booking_id = x.b
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM inserted)::int AS inserted`;
    return rows[0]?.inserted ?? 0;
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
