import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { implausibleOccurredAt } from './signal-plausibility';

const DAY = 86_400_000;
const limits = { maxFutureSkewMs: 300_000, maxLatenessMs: 7 * DAY };
const now = new Date('2026-12-01T08:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe('finding 6: alerts far in the past are refused, a bounded lateness is accepted', () => {
  it('accepts an alert from a gateway that was offline for days, within the limit', () => {
    expect(implausibleOccurredAt(at(-6 * DAY), now, limits)).toBeNull();
    expect(implausibleOccurredAt(at(-7 * DAY), now, limits)).toBeNull();
  });

  it('refuses an alert years in the past, saying why', () => {
    expect(implausibleOccurredAt('2021-03-01T10:00:00+09:00', now, limits)).toBe(
      `late-timestamp: occurredAt 2021-03-01T10:00:00+09:00 is more than ${7 * DAY} ms before its receipt (2026-12-01T08:00:00.000Z)`,
    );
  });

  it('still refuses an alert too far in the future', () => {
    expect(implausibleOccurredAt(at(301_000), now, limits)).toMatch(/^future-timestamp: /);
  });

  it('accepts exactly the window [now - lateness, now + skew]', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30 * DAY, max: 30 * DAY }), (offset) => {
        const inside = offset >= -limits.maxLatenessMs && offset <= limits.maxFutureSkewMs;
        expect(implausibleOccurredAt(at(offset), now, limits) === null).toBe(inside);
      }),
    );
  });
});
