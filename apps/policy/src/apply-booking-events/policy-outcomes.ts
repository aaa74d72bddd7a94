import type { ServiceMetrics } from '@kuruma/service-kit';
import type { ApplyResult } from './apply-booking-events.use-case';

/**
 * Policy's own figures: `kuruma_policy_events_applied_total{outcome}` (applied, duplicate,
 * rejected) and `kuruma_policy_bind_latency_seconds`, from the booking's acceptance by
 * booking-ingest to the commit that bound its policy.
 */
export class PolicyOutcomes {
  private readonly bindLatency;
  private readonly applied;

  constructor(metrics: ServiceMetrics) {
    this.bindLatency = metrics.histogram('kuruma_policy_bind_latency_seconds', 'booking accepted -> policy bound (committed)');
    this.applied = metrics.counter('kuruma_policy_events_applied_total', 'Booking events applied by policy', ['outcome']);
  }

  record(result: ApplyResult, now = Date.now()): void {
    this.applied.inc({ outcome: 'applied' }, result.applied);
    this.applied.inc({ outcome: 'duplicate' }, result.duplicates);
    this.applied.inc({ outcome: 'rejected' }, result.rejected);
    for (const b of result.bound) this.bindLatency.observe((now - Date.parse(b.acceptedAt)) / 1000);
  }
}
