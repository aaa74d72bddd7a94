import { describe, expect, it } from 'vitest';
import { closablePeriods, japanDay, japanMonth, periodBounds, periodKind } from './periods';

describe('Japan-time periods', () => {
  it('dates an instant in Japan time: 15:00Z is already the next day', () => {
    expect(japanDay(new Date('2026-11-30T14:59:59.999Z'))).toBe('2026-11-30');
    expect(japanDay(new Date('2026-11-30T15:00:00Z'))).toBe('2026-12-01');
    expect(japanMonth(new Date('2026-11-30T15:00:00Z'))).toBe('2026-12');
  });

  it('bounds days and months at Japan midnight', () => {
    expect(periodBounds('2026-11-01')).toEqual({ start: new Date('2026-10-31T15:00:00Z'), end: new Date('2026-11-01T15:00:00Z') });
    expect(periodBounds('2026-12')).toEqual({ start: new Date('2026-11-30T15:00:00Z'), end: new Date('2026-12-31T15:00:00Z') });
  });

  it('refuses keys that are not periods', () => {
    expect(periodKind('2026-13')).toBeNull();
    expect(periodKind('2026-02-30')).toBeNull();
    expect(periodKind('2026-11; DROP')).toBeNull();
    expect(() => periodBounds('november')).toThrow(/not a period/);
  });

  it('lists the periods ended by now, never the current one', () => {
    expect(closablePeriods('day', new Date('2026-11-29T00:00:00Z'), new Date('2026-12-01T15:00:00Z'))).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(closablePeriods('month', new Date('2026-10-15T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual(['2026-10', '2026-11']);
  });
});
