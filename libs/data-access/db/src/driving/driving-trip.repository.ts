import type { SqlTx } from '../sql/sql-database';

/** The priced booking a trip names: its vehicle, pseudonymous driver and their consent. */
export interface TripBooking {
  vehicleId: string;
  driverKey: string;
  drivingConsent: boolean;
}

/** A trip summary as stored: figures and driver only when the driver consented. */
export interface DrivingTripRow {
  deviceId: string;
  tripId: string;
  partnerId: string;
  bookingId: string;
  startedAt: Date;
  endedAt: Date;
  /** Absent: a driver without consent; the row only de-duplicates a resend. */
  scored?: {
    driverKey: string;
    distanceMetres: number;
    harshBraking: number;
    harshAcceleration: number;
    speedingSeconds: number;
    nightMinutes: number;
  };
}

/** claims-trigger's side of the driving data: trips in, checked against the booking pricing recorded. */
export class DrivingTripRepository {
  constructor(private readonly db: SqlTx) {}

  /** The partner's priced booking, or undefined: a trip may name only its own partner's bookings. */
  async bookingOf(partnerId: string, bookingId: string): Promise<TripBooking | undefined> {
    const rows = await this.db.$queryRaw<{ vehicle_id: string; driver_key: string; driving_consent: boolean }[]>`
      SELECT vehicle_id, driver_key, driving_consent FROM driver_booking WHERE partner_id = ${partnerId} AND booking_id = ${bookingId}`;
    const row = rows[0];
    return row ? { vehicleId: row.vehicle_id, driverKey: row.driver_key, drivingConsent: row.driving_consent } : undefined;
  }

  /** Whether the trip is new: a trip id the device sent before is kept once. */
  async insert(trip: DrivingTripRow): Promise<boolean> {
    const s = trip.scored;
    const inserted = await this.db.$executeRaw`
      INSERT INTO driving_trip (device_id, trip_id, partner_id, booking_id, driver_key, distance_metres, harsh_braking, harsh_acceleration, speeding_seconds, night_minutes, started_at, ended_at)
      VALUES (${trip.deviceId}, ${trip.tripId}, ${trip.partnerId}, ${trip.bookingId}, ${s?.driverKey ?? null}, ${s?.distanceMetres ?? null}, ${s?.harshBraking ?? null},
              ${s?.harshAcceleration ?? null}, ${s?.speedingSeconds ?? null}, ${s?.nightMinutes ?? null}, ${trip.startedAt}, ${trip.endedAt})
      ON CONFLICT (device_id, trip_id) DO NOTHING`;
    return inserted === 1;
  }
}
