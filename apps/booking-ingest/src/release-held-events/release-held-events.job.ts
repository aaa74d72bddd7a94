import { BookingEventRepository, type SqlTransactional } from '@kuruma/data-access-db';
import type { Logger } from 'pino';
import { BusinessClock } from '@kuruma/service-kit';
import { applyPendingEvents, type ApplyContext } from '../accept-booking-events/apply-pending-events';

/**
 * Applies events that waited for a missing sequence longer than the gap timeout, in ascending
 * sequence, so one lost partner event cannot stall a booking's cover forever.
 */
export class ReleaseHeldEventsJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly repo = new BookingEventRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly ctx: Omit<ApplyContext, 'now'>,
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  /** `now` is business time: a hold is stamped and expires on the same (possibly simulated) clock. */
  async tick(now = this.clock.now()): Promise<number> {
    try {
      return await this.db.$transaction(async (tx) => {
        const bookings = await this.repo.bookingsWithExpiredHolds(tx, now, 200);
        const outcomes = await applyPendingEvents(tx, this.repo, bookings, { ...this.ctx, now });
        const released = [...outcomes.values()].filter((o) => o === 'released-after-gap-timeout').length;
        if (released) this.logger.info({ released }, 'held booking events released after gap timeout');
        return released;
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'releasing held events failed; will retry');
      return 0;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
