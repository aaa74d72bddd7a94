/** How far a device's clock may be from ours before its alert is not believed. */
export interface SignalTimeLimits {
  /** Device clocks may run ahead this much. */
  maxFutureSkewMs: number;
  /**
   * Alerts may arrive this late: a gateway offline for days (parked underground, no signal) still
   * reports its crash when it reconnects, and that claim must open. Beyond it (a clock reset to
   * 1970, a replayed archive) an alert would open a claim on whatever policy covered the car
   * years ago, so it is refused.
   */
  maxLatenessMs: number;
}

/**
 * Why an alert's `occurredAt` is implausible, as a dead-letter reason, or null when it is within
 * the limits relative to `receivedAt` (the platform clock).
 */
export function implausibleOccurredAt(occurredAt: string, receivedAt: Date, limits: SignalTimeLimits): string | null {
  const at = Date.parse(occurredAt);
  if (at > receivedAt.getTime() + limits.maxFutureSkewMs) {
    return `future-timestamp: occurredAt ${occurredAt} is ahead of the platform clock by more than ${limits.maxFutureSkewMs} ms`;
  }
  if (at < receivedAt.getTime() - limits.maxLatenessMs) {
    return `late-timestamp: occurredAt ${occurredAt} is more than ${limits.maxLatenessMs} ms before its receipt (${receivedAt.toISOString()})`;
  }
  return null;
}
