import type { ServiceMetrics } from '@kuruma/service-kit';
import type { SignalOutcome } from './handle-device-signal.use-case';
import type { TripOutcome } from './record-trip-summary.use-case';

/** `kuruma_device_signals_total{outcome}` and `kuruma_device_signal_seconds` (MQTT receipt to committed effect). */
export class DeviceSignalMetrics {
  private readonly outcomes;
  private readonly latency;

  constructor(metrics: ServiceMetrics) {
    this.outcomes = metrics.counter('kuruma_device_signals_total', 'Device signals by outcome', ['outcome']);
    this.latency = metrics.histogram('kuruma_device_signal_seconds', 'MQTT receipt to committed effect');
  }

  /** A signal received at `receivedAt` has had this durable outcome (retries included in its latency). */
  record(outcome: SignalOutcome | TripOutcome, receivedAt: Date): void {
    this.outcomes.inc({ outcome });
    this.latency.observe((Date.now() - receivedAt.getTime()) / 1000);
  }
}
