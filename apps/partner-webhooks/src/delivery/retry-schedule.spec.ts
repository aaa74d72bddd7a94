import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelayMs } from './retry-schedule';

describe(nextRetryDelayMs.name, () => {
  it('retries for about three days over twelve attempts by default', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(DEFAULT_RETRY_SCHEDULE_MS.length + 1).toBe(12);
    expect(total).toBeGreaterThan(2.9 * 86_400_000);
    expect(total).toBeLessThan(3 * 86_400_000);
  });

  it('waits 5 s after the first failure, within +-20 % jitter', () => {
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 1, 0)).toBe(4_000);
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.5)).toBe(5_000);
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.999999)).toBe(6_000);
  });

  it('grows with each failure and gives up after the last wait', () => {
    const waits = DEFAULT_RETRY_SCHEDULE_MS.map((_, i) => nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, i + 1, 0.5) as number);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_MS, DEFAULT_RETRY_SCHEDULE_MS.length + 1)).toBeNull();
  });
});
