import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './instant';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseInstant', () => {
  it('reads whole-second instants with an offset exactly as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 24 }),
        fc.constantFrom(0, 30, 45, 59, 60),
        (y, mo, d, h, mi, s, sign, oh, om) => {
          const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(oh)}:${pad(om)}`;
          expect(Object.is(parseInstant(text), Date.parse(text))).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('leaves every other form to Date.parse: Z, fractions, leap days, end of day, garbage', () => {
    for (const text of [
      '2026-12-01T10:00:00+09:00',
      '2028-02-29T23:59:59+09:00',
      '2026-02-29T10:00:00+09:00',
      '2026-12-01T24:00:00+09:00',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00.123+09:00',
      '2026-12-01T10:00+09:00',
      '2026-12-01 10:00:00+09:00',
      '20x6-12-01T10:00:00+09:00',
      '0099-12-01T10:00:00+09:00',
      '',
    ]) {
      expect(Object.is(parseInstant(text), Date.parse(text)), text).toBe(true);
    }
    expect(parseInstant('2026-12-01T10:00:00+09:00')).toBe(Date.UTC(2026, 11, 1, 1));
  });
});
