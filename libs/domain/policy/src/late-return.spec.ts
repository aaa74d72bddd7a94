import { describe, expect, it } from 'vitest';
import { lateReturnExtension } from './late-return';

const start = new Date('2026-12-01T12:00:00+09:00');
const end = new Date('2026-12-01T16:00:00+09:00');

describe(lateReturnExtension.name, () => {
  const base = { coverStart: start, coverEnd: end, leadMs: 60_000, stepMinutes: 30, maximumMinutes: 7 * 24 * 60 };

  it('extends a started booking in steps as its end approaches, not before', () => {
    expect(lateReturnExtension({ ...base, now: new Date(end.getTime() - 10 * 60_000) })).toBeNull();
    expect(lateReturnExtension({ ...base, now: new Date(end.getTime() - 30_000) })).toEqual(new Date(end.getTime() + 30 * 60_000));
  });

  it('catches up after downtime but never beyond the product maximum', () => {
    const now = new Date(end.getTime() + 95 * 60_000);
    expect(lateReturnExtension({ ...base, now })).toEqual(new Date(end.getTime() + 120 * 60_000));
    const max = new Date(start.getTime() + base.maximumMinutes * 60_000);
    expect(lateReturnExtension({ ...base, coverEnd: new Date(max.getTime() - 60_000), now: max })).toEqual(max);
    expect(lateReturnExtension({ ...base, coverEnd: max, now: max })).toBeNull();
  });
});
