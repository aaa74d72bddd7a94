import type { StuckWatch } from '@kuruma/data-access-messaging';
import type { ServiceKit } from '../../service-kit.module';

const stuckWatches = new WeakMap<ServiceKit, Map<string, StuckWatch>>();

/**
 * `kuruma_consumer_stuck_seconds{consumer}`: how long the consumer's longest-waiting partition or
 * MQTT connection has been on its current record, read at each scrape (0 when all move on). Its
 * readiness check fails past CONSUMER_STUCK_AFTER_MS; this is the number to alert on before that.
 */
export function reportStuckSeconds(kit: ServiceKit, consumer: string, watch: StuckWatch): void {
  let watches = stuckWatches.get(kit);
  if (!watches) {
    const all = (watches = new Map());
    stuckWatches.set(kit, all);
    kit.metrics.gauge('kuruma_consumer_stuck_seconds', 'Seconds the longest-waiting partition or connection has been on its current record', ['consumer'], (gauge) => {
      for (const [name, w] of all) gauge.set({ consumer: name }, w.longestSeconds());
    });
  }
  watches.set(consumer, watch);
}
