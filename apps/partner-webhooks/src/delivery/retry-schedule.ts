/**
 * When a failed delivery is tried again. The default waits (WEBHOOK_RETRY_SCHEDULE_MS) are 5 s,
 * 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h: twelve attempts over about three
 * days (70 h 42 min 35 s of waiting), the span the market's webhook senders use (an assumption:
 * the seeds say nothing of webhooks). Each wait is spread by +-20 % jitter so the deliveries that
 * failed together during one receiver outage do not all return at the same instant.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 86_400_000] as const;

export const RETRY_JITTER = 0.2;

/**
 * The wait before the next attempt after `failedAttempts` failures (1 after the first), or null
 * when the schedule has run out and the delivery has failed. `random` is in [0, 1).
 */
export function nextRetryDelayMs(schedule: readonly number[], failedAttempts: number, random: number = Math.random()): number | null {
  const base = schedule[failedAttempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random));
}
