import type { Logger } from 'pino';
import type { ServiceMetrics } from '@kuruma/service-kit';

/**
 * `kuruma_booking_events_dead_lettered_total{reason}`: partners' booking events sent to the
 * dead-letter topic, by the code before the reason's colon (schema-violation, partner-mismatch,
 * unknown-partner, wrong-key...), so a partner's integration fault shows on a dashboard.
 */
export class BookingEventRefusals {
  private readonly deadLettered;

  constructor(
    metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.deadLettered = metrics.counter('kuruma_booking_events_dead_lettered_total', 'Booking events sent to the dead-letter topic', ['reason']);
  }

  count(refusals: readonly { reason: string }[]): void {
    if (refusals.length === 0) return;
    for (const { reason } of refusals) this.deadLettered.inc({ reason: reason.split(':')[0] });
    this.logger.warn({ count: refusals.length }, 'booking events dead-lettered');
  }
}
