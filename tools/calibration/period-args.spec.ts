import { describe, expect, it } from 'vitest';
import { parsePeriodArgs } from './period-args';

describe(parsePeriodArgs.name, () => {
  it('reads dates as Japan-time midnights and keeps explicit zones', () => {
    const sut = parsePeriodArgs({ from: '2027-01-01', to: '2027-07-01T00:00:00Z' });
    expect(sut.from.toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(sut.to.toISOString()).toBe('2027-07-01T00:00:00.000Z');
  });

  it.each([
    [{ from: '2027-01-01', to: '2026-01-01' }, '--to: must be after --from'],
    [{ from: '2027-01-01T00:00:00', to: '2028-01-01' }, '--from: must be a date'],
    [{ from: '2027-01-01\u0000', to: '2028-01-01' }, '--from: must be a date'],
    [{ from: '2000-01-01', to: '2028-01-01' }, '--to: the period may span at most five years'],
    [{ from: '2027-01-01', to: '2028-01-01', 'hold-out-from': '2029-01-01' }, '--hold-out-from: must lie inside the period'],
    [{ from: 'x'.repeat(10_000), to: '2028-01-01' }, '--from: Too big'],
    [{ to: '2028-01-01' }, '--from:'],
  ])('refuses a hostile or impossible period naming the argument (%#)', (args, message) => {
    expect(() => parsePeriodArgs(args)).toThrow(message);
  });
});
