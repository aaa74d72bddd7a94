import type { SqlTx } from '../sql/sql-database';

/**
 * The upsert of a chunk's driver rows from one JSON document (`driverBookingDocument`), as the two
 * parts of SQL around that bind parameter: pricing runs it in the same statement as the chunk's
 * quotes (QuoteRepository.saveChunk). Of a chunk's rows for one booking, the last wins: a booking's
 * later bookable event updates its driver.
 */
export const DRIVER_BOOKING_UPSERT = [
  `INSERT INTO driver_booking (partner_id, booking_id, vehicle_id, driver_key, shared_driver_key, driving_consent, priced_driver)
      SELECT DISTINCT ON (x.partner_id, x.booking_id) x.partner_id, x.booking_id, x.vehicle_id, x.driver_key,
             CASE WHEN p.share_driver_history THEN x.shared_driver_key END, x.driving_consent, x.priced_driver
      FROM jsonb_to_recordset(`,
  `::jsonb)
        AS x(n int, partner_id text, booking_id text, vehicle_id text, driver_key text, shared_driver_key text, driving_consent boolean, priced_driver jsonb)
      LEFT JOIN partner p ON p.id = x.partner_id
      ORDER BY x.partner_id, x.booking_id, x.n DESC
      ON CONFLICT (partner_id, booking_id) DO UPDATE SET
        vehicle_id = EXCLUDED.vehicle_id, driver_key = EXCLUDED.driver_key, shared_driver_key = EXCLUDED.shared_driver_key,
        driving_consent = EXCLUDED.driving_consent, priced_driver = EXCLUDED.priced_driver`,
] as const;

/** The JSON document DRIVER_BOOKING_UPSERT reads: one object per row, numbered in chunk order. */
export function driverBookingDocument(rows: DriverBookingRow[]): string {
  return JSON.stringify(
    rows.map((r, n) => ({
      n,
      partner_id: r.partnerId,
      booking_id: r.bookingId,
      vehicle_id: r.vehicleId,
      driver_key: r.driverKey,
      shared_driver_key: r.sharedDriverKey,
      driving_consent: r.drivingConsent,
      priced_driver: r.pricedDriver ?? null,
    })),
  );
}

/** A priced booking's driver, as pricing records it. */
export interface DriverBookingRow {
  partnerId: string;
  bookingId: string;
  vehicleId: string;
  driverKey: string;
  /** Stored only when the partner shares drivers' history (checked in the same statement). */
  sharedDriverKey: string;
  drivingConsent: boolean;
  /** The driver inputs the platform priced the booking with, if it substituted any. */
  pricedDriver?: Record<string, unknown>;
}

/** One driver to look up: the pseudonyms and the partner asking. */
export interface DriverLookup {
  partnerId: string;
  driverKey: string;
  sharedDriverKey: string;
}

/** The sums the driving score and the experience factor are made of. */
export interface DriverTotalsRow {
  trips: { trips: number; distanceMetres: number; drivenSeconds: number; harshBraking: number; harshAcceleration: number; speedingSeconds: number; nightMinutes: number };
  history: { coveredHours: number; claimFreeHours: number; claims: number };
}

/** What an erasure removed. */
export interface ErasureCounts {
  trips: number;
  bookings: number;
}

interface TotalsSqlRow {
  driver_key: string;
  trips: number;
  distance_metres: number;
  driven_seconds: number;
  harsh_braking: number;
  harsh_acceleration: number;
  speeding_seconds: number;
  night_minutes: number;
  covered_hours: number;
  claim_free_hours: number;
  claims: number;
}

/**
 * pricing's driver records: the pseudonymous driver of each priced booking, and the sums over a
 * driver's consented trips (claims-trigger's `driving_trip`) and elapsed cover (policy's `policy`,
 * claims-trigger's `claim`), read-only, to price their next booking.
 */
export class DriverRecordRepository {
  constructor(private readonly db: SqlTx) {}

  /** The driver inputs each booking was priced with, by `partnerId/bookingId`, for its later events. */
  async pricedDrivers(bookings: { partnerId: string; bookingId: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    if (bookings.length === 0) return found;
    const rows = await this.db.$queryRaw<{ partner_id: string; booking_id: string; priced_driver: Record<string, unknown> }[]>`
      SELECT b.partner_id, b.booking_id, b.priced_driver FROM driver_booking b
      JOIN unnest(${bookings.map((b) => b.partnerId)}::text[], ${bookings.map((b) => b.bookingId)}::text[]) AS x(partner_id, booking_id)
        ON b.partner_id = x.partner_id AND b.booking_id = x.booking_id
      WHERE b.priced_driver IS NOT NULL`;
    for (const r of rows) found.set(`${r.partner_id}/${r.booking_id}`, r.priced_driver);
    return found;
  }

  /**
   * Each driver's sums at `now`, by driver key: consented trips, and the cover that has elapsed on
   * their bookings (at this partner, and at every opted-in partner when this one opted in too)
   * with the claims on it that were not withdrawn.
   */
  async totals(drivers: DriverLookup[], now: Date): Promise<Map<string, DriverTotalsRow>> {
    const found = new Map<string, DriverTotalsRow>();
    if (drivers.length === 0) return found;
    const rows = await this.db.$queryRaw<TotalsSqlRow[]>`
      WITH d AS (
        SELECT DISTINCT * FROM unnest(${drivers.map((d) => d.partnerId)}::text[], ${drivers.map((d) => d.driverKey)}::text[], ${drivers.map((d) => d.sharedDriverKey)}::text[])
          AS d(partner_id, driver_key, shared_key)
      ),
      trips AS (
        SELECT t.driver_key, count(*)::int AS trips, sum(t.distance_metres)::float8 AS distance_metres,
               sum(extract(epoch FROM t.ended_at - t.started_at))::float8 AS driven_seconds,
               sum(t.harsh_braking)::float8 AS harsh_braking, sum(t.harsh_acceleration)::float8 AS harsh_acceleration,
               sum(t.speeding_seconds)::float8 AS speeding_seconds, sum(t.night_minutes)::float8 AS night_minutes
        FROM driving_trip t WHERE t.driver_key IN (SELECT driver_key FROM d) GROUP BY t.driver_key
      ),
      bookings AS (
        SELECT d.driver_key, b.partner_id, b.booking_id FROM d JOIN driver_booking b ON b.driver_key = d.driver_key
        UNION
        SELECT d.driver_key, b.partner_id, b.booking_id FROM d
        JOIN partner asking ON asking.id = d.partner_id AND asking.share_driver_history
        JOIN driver_booking b ON b.shared_driver_key = d.shared_key
        JOIN partner other ON other.id = b.partner_id AND other.share_driver_history
      ),
      cover AS (
        SELECT bk.driver_key,
               greatest(0, extract(epoch FROM least(p.cover_end, ${now}) - p.cover_start)) / 3600.0 AS hours,
               (SELECT count(*) FROM claim c WHERE c.policy_id = p.id AND c.status <> 'withdrawn' AND c.occurred_at <= ${now})::int AS claims
        FROM bookings bk JOIN policy p ON p.partner_id = bk.partner_id AND p.booking_id = bk.booking_id
        WHERE p.status IN ('bound', 'active', 'ended') AND p.cover_start < ${now}
      ),
      history AS (
        SELECT driver_key, sum(hours)::float8 AS covered_hours, coalesce(sum(hours) FILTER (WHERE claims = 0), 0)::float8 AS claim_free_hours, sum(claims)::int AS claims
        FROM cover GROUP BY driver_key
      )
      SELECT DISTINCT d.driver_key, coalesce(t.trips, 0) AS trips, coalesce(t.distance_metres, 0) AS distance_metres, coalesce(t.driven_seconds, 0) AS driven_seconds,
             coalesce(t.harsh_braking, 0) AS harsh_braking, coalesce(t.harsh_acceleration, 0) AS harsh_acceleration,
             coalesce(t.speeding_seconds, 0) AS speeding_seconds, coalesce(t.night_minutes, 0) AS night_minutes,
             coalesce(h.covered_hours, 0) AS covered_hours, coalesce(h.claim_free_hours, 0) AS claim_free_hours, coalesce(h.claims, 0) AS claims
      FROM d LEFT JOIN trips t ON t.driver_key = d.driver_key LEFT JOIN history h ON h.driver_key = d.driver_key`;
    for (const r of rows) {
      found.set(r.driver_key, {
        trips: {
          trips: r.trips,
          distanceMetres: r.distance_metres,
          drivenSeconds: r.driven_seconds,
          harshBraking: r.harsh_braking,
          harshAcceleration: r.harsh_acceleration,
          speedingSeconds: r.speeding_seconds,
          nightMinutes: r.night_minutes,
        },
        history: { coveredHours: r.covered_hours, claimFreeHours: r.claim_free_hours, claims: r.claims },
      });
    }
    return found;
  }

  /** Deletes trips that ended, and booking links recorded, before the retention limits. */
  async purgeExpired(tripsEndedBefore: Date, bookingsRecordedBefore: Date, batch: number): Promise<ErasureCounts> {
    const trips = await this.db.$executeRaw`
      DELETE FROM driving_trip WHERE ctid = ANY (ARRAY(SELECT ctid FROM driving_trip WHERE ended_at < ${tripsEndedBefore} LIMIT ${batch}))`;
    const bookings = await this.db.$executeRaw`
      DELETE FROM driver_booking WHERE ctid = ANY (ARRAY(SELECT ctid FROM driver_booking WHERE recorded_at < ${bookingsRecordedBefore} LIMIT ${batch}))`;
    return { trips, bookings };
  }

  /** Erases everything held on one driver at one partner: their trips and their bookings' links. */
  async erase(partnerId: string, driverKey: string): Promise<ErasureCounts> {
    const trips = await this.db.$executeRaw`
      DELETE FROM driving_trip WHERE driver_key = ${driverKey} OR (partner_id, booking_id) IN (SELECT partner_id, booking_id FROM driver_booking WHERE partner_id = ${partnerId} AND driver_key = ${driverKey})`;
    const bookings = await this.db.$executeRaw`DELETE FROM driver_booking WHERE partner_id = ${partnerId} AND driver_key = ${driverKey}`;
    return { trips, bookings };
  }

  /** The audit entry of an erasure, by pseudonym (the audit log must not bring back the reference). */
  async auditErasure(erasure: { actor: string; partnerId: string; driverKey: string; requestReference: string; erased: ErasureCounts }): Promise<void> {
    const details = JSON.stringify({ partnerId: erasure.partnerId, requestReference: erasure.requestReference, ...erasure.erased });
    await this.db.$executeRaw`
      INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
      VALUES (gen_random_uuid(), ${erasure.actor}, 'privacy', 'driver-data.erased', 'driver', ${erasure.driverKey}, ${details}::jsonb)`;
  }
}
