import { describe, expect, it } from 'vitest';
import { BusinessClock } from './business-clock';

const anchor = new Date('2026-12-01T22:00:00Z');
const start = new Date('2026-10-31T15:00:00Z'); // 2026-11-01 00:00 Japan time

describe(BusinessClock.name, () => {
  it('is the real clock by default', () => {
    const sut = BusinessClock.from(undefined, () => anchor.getTime());
    expect(sut.simulated).toBe(false);
    expect(sut.now()).toEqual(anchor);
    expect(sut.report()).toEqual({ mode: 'real', now: anchor.toISOString() });
    const real = BusinessClock.real().now().getTime();
    expect(Math.abs(real - Date.now())).toBeLessThan(1_000);
  });

  it('runs a simulated clock from its start at its rate: one real minute at 720 is half a business day', () => {
    let realNow = anchor.getTime();
    const sut = BusinessClock.from({ mode: 'simulated', start, anchor, rate: 720 }, () => realNow);
    expect(sut.now()).toEqual(start);
    realNow += 60_000;
    expect(sut.now().toISOString()).toBe('2026-11-01T03:00:00.000Z'); // 12:00 Japan time on 1 November
    expect(sut.report()).toEqual({ mode: 'simulated', now: '2026-11-01T03:00:00.000Z', start: start.toISOString(), anchor: anchor.toISOString(), rate: 720 });
  });

  it('agrees across processes started at different real instants: business time depends on the anchor, not on the start of the process', () => {
    const realNow = anchor.getTime() + 90_000;
    const first = BusinessClock.from({ mode: 'simulated', start, anchor, rate: 100 }, () => realNow);
    const later = BusinessClock.from({ mode: 'simulated', start, anchor, rate: 100 }, () => realNow);
    expect(first.now()).toEqual(later.now());
    expect(first.now().getTime() - start.getTime()).toBe(9_000_000);
  });

  it('tells how much real time is left until a business instant', () => {
    const sut = BusinessClock.from({ mode: 'simulated', start, anchor, rate: 3_600 }, () => anchor.getTime());
    expect(sut.realMsUntil(new Date(start.getTime() + 3_600_000))).toBe(1_000);
    expect(sut.realMsUntil(new Date(start.getTime() - 1))).toBe(0);
    expect(BusinessClock.from({ mode: 'real' }, () => 0).realMsUntil(new Date(5_000))).toBe(5_000);
  });
});
