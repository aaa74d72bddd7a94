import type { DatabaseTx } from '../prisma-client.factory';

/** A booking event stored before booking-ingest pseudonymised drivers, with the references it carries. */
export interface UnpseudonymisedEvent {
  id: string;
  partnerId: string;
  bookingId: string;
  reference: string;
  ownerReference: string | null;
}

/** What replaces one booking's references: the driver's two keys and the owner's pseudonym. */
export interface BookingPseudonyms extends Omit<UnpseudonymisedEvent, 'id'> {
  driverKey: string;
  sharedDriverKey: string;
  ownerKey: string | null;
}

/** A stored request (jsonb) with the driver's and the owner's references replaced where they are these. */
const rewritten = (column: string) => `
  CASE WHEN m.owner_reference IS NOT NULL AND ${column}->'vehicle'->>'ownerDriverId' = m.owner_reference
       THEN jsonb_set(CASE WHEN ${column}->'driver'->>'driverId' = m.reference THEN jsonb_set(${column}, '{driver,driverId}', to_jsonb(m.driver_key)) ELSE ${column} END,
                      '{vehicle,ownerDriverId}', to_jsonb(m.owner_key))
       ELSE CASE WHEN ${column}->'driver'->>'driverId' = m.reference THEN jsonb_set(${column}, '{driver,driverId}', to_jsonb(m.driver_key)) ELSE ${column} END
  END`;

const MAPPING = `jsonb_to_recordset($1::jsonb) AS m(partner_id text, booking_id text, reference text, owner_reference text, driver_key text, owner_key text)`;

/**
 * Rewrites the records of bookings accepted before booking-ingest pseudonymised drivers
 * (`booking_event.driver_keys` is null on exactly those): the reference each event carries is
 * replaced by its pseudonym in the event, the booking's quotes, its policy and its claims. Only
 * values equal to that booking's reference change, so a row already pseudonymised (or rewritten
 * by a later event) is left as it is and a second run finds nothing.
 */
export class DriverHistoryRepository {
  constructor(private readonly tx: DatabaseTx) {}

  /** Up to `limit` events still carrying a reference, locked against a concurrent run. */
  async unpseudonymised(limit: number): Promise<UnpseudonymisedEvent[]> {
    return this.tx.$queryRaw<UnpseudonymisedEvent[]>`
      SELECT id::text, partner_id AS "partnerId", booking_id AS "bookingId",
             envelope->'data'->'driver'->>'driverId' AS reference, envelope->'data'->'vehicle'->>'ownerDriverId' AS "ownerReference"
        FROM booking_event WHERE driver_keys IS NULL AND envelope->'data'->'driver'->>'driverId' IS NOT NULL
       ORDER BY received_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  }

  /** Rewrites these events and their bookings' quotes, policies and claims; how many rows of each changed. */
  async rewrite(events: (BookingPseudonyms & { id: string })[]): Promise<Record<'events' | 'quotes' | 'policies' | 'claims', number>> {
    if (events.length === 0) return { events: 0, quotes: 0, policies: 0, claims: 0 };
    const byBooking = new Map<string, BookingPseudonyms>();
    for (const { id: _id, ...e } of events) byBooking.set(JSON.stringify([e.partnerId, e.bookingId, e.reference, e.ownerReference]), e);
    const mapping = JSON.stringify(
      [...byBooking.values()].map((e) => ({ partner_id: e.partnerId, booking_id: e.bookingId, reference: e.reference, owner_reference: e.ownerReference, driver_key: e.driverKey, owner_key: e.ownerKey })),
    );
    const keyed = JSON.stringify(events.map((e) => ({ id: e.id, driver_keys: { driverKey: e.driverKey, sharedDriverKey: e.sharedDriverKey } })));
    const eventRows = await this.count(
      `UPDATE booking_event e SET envelope = jsonb_set(e.envelope, '{data}', ${rewritten("(e.envelope->'data')")}), driver_keys = k.driver_keys
         FROM jsonb_to_recordset($2::jsonb) AS k(id uuid, driver_keys jsonb), ${MAPPING}
        WHERE e.id = k.id AND m.partner_id = e.partner_id AND m.booking_id = e.booking_id AND m.reference = e.envelope->'data'->'driver'->>'driverId'`,
      mapping,
      keyed,
    );
    const quotes = await this.count(
      `UPDATE quote q SET request = ${rewritten('q.request')} FROM ${MAPPING}
        WHERE q.partner_id = m.partner_id AND q.booking_id = m.booking_id AND q.request->'driver'->>'driverId' = m.reference`,
      mapping,
    );
    const policies = await this.count(
      `UPDATE policy p SET driver_id = CASE WHEN p.driver_id = m.reference THEN m.driver_key ELSE p.driver_id END, request = ${rewritten('p.request')}
         FROM ${MAPPING}
        WHERE p.partner_id = m.partner_id AND p.booking_id = m.booking_id AND (p.driver_id = m.reference OR p.request->'driver'->>'driverId' = m.reference)`,
      mapping,
    );
    const claims = await this.count(
      `UPDATE claim c SET driver_id = m.driver_key FROM ${MAPPING}
        WHERE c.partner_id = m.partner_id AND c.booking_id = m.booking_id AND c.driver_id = m.reference`,
      mapping,
    );
    return { events: eventRows, quotes, policies, claims };
  }

  /** Runs an UPDATE and answers how many rows it changed. */
  private async count(update: string, ...values: unknown[]): Promise<number> {
    const [row] = await this.tx.$queryRawUnsafe<{ n: number }[]>(`WITH changed AS (${update} RETURNING 1) SELECT count(*)::int AS n FROM changed`, ...values);
    return row?.n ?? 0;
  }
}
