import type { Logger } from 'pino';
import type { DriverRecordRepository } from '@kuruma/data-access-db';
import { IntervalJob } from '@kuruma/service-kit';

const DAY_MS = 86_400_000;
/** Rows deleted per statement: a long backlog is worked off over several ticks, never in one long lock. */
const BATCH = 5_000;

export interface DriverDataRetention {
  tripDays: number;
  bookingDays: number;
  intervalMs: number;
}

/**
 * Enforces the retention periods of docs/privacy.md: trip summaries older than
 * DRIVING_TRIP_RETENTION_DAYS (by the trip's end) and bookings' driver links older than
 * DRIVER_BOOKING_RETENTION_DAYS are deleted, in batches. Safe on every instance at once: a row
 * deleted by one is simply not found by the other.
 */
export class DriverDataRetentionJob extends IntervalJob {
  constructor(
    private readonly repository: DriverRecordRepository,
    private readonly retention: DriverDataRetention,
    private readonly logger: Logger,
  ) {
    super(retention.intervalMs);
  }

  async tick(now = new Date()): Promise<{ trips: number; bookings: number }> {
    const total = { trips: 0, bookings: 0 };
    try {
      for (;;) {
        const deleted = await this.repository.purgeExpired(new Date(now.getTime() - this.retention.tripDays * DAY_MS), new Date(now.getTime() - this.retention.bookingDays * DAY_MS), BATCH);
        total.trips += deleted.trips;
        total.bookings += deleted.bookings;
        if (deleted.trips < BATCH && deleted.bookings < BATCH) break;
      }
      if (total.trips || total.bookings) this.logger.info({ ...total, tripDays: this.retention.tripDays, bookingDays: this.retention.bookingDays }, 'driver data past its retention deleted');
    } catch (error) {
      this.logger.warn({ err: error, ...total }, 'driver data retention failed; will retry');
    }
    return total;
  }
}
