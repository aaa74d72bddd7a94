import { describe, expect, it } from 'vitest';
import { lockDurationMs } from './login-throttle';

describe('finding 7: progressive lockout', () => {
  const policy = { lockMs: 60_000, maxLockMs: 3_600_000 };

  it('locks nothing below the threshold, then doubles with each further failure up to the ceiling', () => {
    expect([4, 5, 6, 7, 8].map((failures) => lockDurationMs(failures, 5, policy))).toEqual([0, 60_000, 120_000, 240_000, 480_000]);
    expect(lockDurationMs(12, 5, policy)).toBe(3_600_000);
    expect(lockDurationMs(10_000, 5, policy)).toBe(3_600_000);
  });
});
