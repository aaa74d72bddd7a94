import type { Logger } from 'pino';
import { toStorableText, tripSummaryV1Schema } from '@kuruma/contracts';
import { dataErrorReason, type DrivingTripRepository, isDeterministicDataError } from '@kuruma/data-access-db';
import { parseJsonMessage } from '@kuruma/data-access-messaging';
import { implausibleOccurredAt, type SignalTimeLimits } from '@kuruma/domain-claims';
import type { DeviceDirectory } from '../devices/device-directory';
import type { DeviceSignalDeadLetters } from './device-signal.dead-letters';

/** What became of a trip summary: scored, kept out of the score (no consent), a resend, or refused. */
export type TripOutcome = 'trip-recorded' | 'trip-excluded' | 'duplicate' | 'dead-letter';

/**
 * A gateway's trip summary, made durable before the caller acknowledges it: validated, its device
 * known, its booking one that pricing recorded for the device's own partner and vehicle (a device
 * cannot score another car's driver), then stored once per trip id. Only a consenting driver's
 * trip keeps its figures and pseudonym; anyone else's leaves a bare row that de-duplicates.
 */
export class RecordTripSummaryUseCase {
  constructor(
    private readonly trips: DrivingTripRepository,
    private readonly devices: DeviceDirectory,
    private readonly deadLetters: DeviceSignalDeadLetters,
    private readonly limits: SignalTimeLimits,
    private readonly logger: Logger,
  ) {}

  async execute(deviceId: string, payload: Buffer, now = new Date()): Promise<TripOutcome> {
    try {
      const parsed = parseJsonMessage(tripSummaryV1Schema, payload);
      if (!parsed.ok) return await this.deadLetter(deviceId, payload, parsed.reason);
      const trip = parsed.value;
      const device = await this.devices.find(deviceId);
      if (!device) return await this.deadLetter(deviceId, payload, 'unknown-device: not registered');
      const implausible = implausibleOccurredAt(trip.endedAt, now, this.limits);
      if (implausible) return await this.deadLetter(deviceId, payload, implausible.replace('occurredAt', 'endedAt'));
      const booking = await this.trips.bookingOf(device.partnerId, trip.bookingId);
      if (!booking) return await this.deadLetter(deviceId, payload, `unknown-booking: ${trip.bookingId} is not a priced booking of this device's partner`);
      if (booking.vehicleId !== device.vehicleId) return await this.deadLetter(deviceId, payload, `booking-mismatch: booking ${trip.bookingId} is not on this device's vehicle`);
      const scored = booking.drivingConsent
        ? {
            driverKey: booking.driverKey,
            distanceMetres: trip.distanceMetres,
            harshBraking: trip.harshBrakingCount,
            harshAcceleration: trip.harshAccelerationCount,
            speedingSeconds: trip.speedingSeconds,
            nightMinutes: trip.nightMinutes,
          }
        : undefined;
      const row = { deviceId, tripId: trip.tripId, partnerId: device.partnerId, bookingId: trip.bookingId, startedAt: new Date(trip.startedAt), endedAt: new Date(trip.endedAt) };
      const inserted = await this.trips.insert(scored ? { ...row, scored } : row);
      if (!inserted) return 'duplicate';
      return scored ? 'trip-recorded' : 'trip-excluded';
    } catch (error) {
      // What the database refuses it will always refuse; anything else is an outage, retried.
      if (isDeterministicDataError(error)) return this.deadLetter(deviceId, payload, dataErrorReason(error));
      throw error;
    }
  }

  /** Bad data, found on the first try: dead-lettered (byte for byte) and then acknowledged. */
  private async deadLetter(deviceId: string, payload: Buffer, why: string): Promise<TripOutcome> {
    await this.deadLetters.record({ deviceId, source: `devices/${deviceId}/trip`, reason: why, payload, attempts: 1 });
    this.logger.warn({ deviceId, channel: 'trip', reason: toStorableText(why) }, 'trip summary dead-lettered');
    return 'dead-letter';
  }
}
