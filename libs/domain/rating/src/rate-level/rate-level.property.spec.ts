import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tariffs } from '../tariff-registry';
import type { TariffData } from '../tariff.schema';
import { basePerDayOf, deriveBaseRates, rateLevelCheck } from './rate-level-check';
import { REFERENCE_BOOK_MIX, referenceBook } from './reference-book';
import { referenceLossModel } from './reference-loss-model';

const corrected = tariffs.byVersion('kc-carshare-2026-12');
const model = referenceLossModel(corrected.data);

describe('off-balance', () => {
  it('makes any book of bookings pay its expected loss on every coverage, whatever its mix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 60 }), (seed, young, long) => {
        // A different book each run: other drivers, and a different share of young drivers and long bookings.
        const mix = {
          ...REFERENCE_BOOK_MIX,
          size: 160,
          seed,
          driverAge: REFERENCE_BOOK_MIX.driverAge.map(([a, b, w]) => [a, b, a < 24 ? young : w] as const),
          durationMinutes: REFERENCE_BOOK_MIX.durationMinutes.map(([m, w]) => [m, m >= 1440 ? long : w] as const),
        };
        const book = referenceBook(mix);
        const cells = deriveBaseRates(model, corrected, book);
        const base = basePerDayOf(cells);
        const balanced = { ...corrected, data: { ...corrected.data, basePerDay: { ...corrected.data.basePerDay, ...base } as TariffData['basePerDay'] } };
        for (const line of rateLevelCheck(model, balanced, book).coverages) {
          if (line.bookings === 0) continue;
          // Bases are kept to 0.1 yen, so a coverage is off by at most one 0.1-yen step over its
          // smallest base (about 0.004 for the 25-yen road-assistance base; a book heavy in young
          // drivers or long bookings moves the bases, and a fixed 0.003 failed on such a book). Half a
          // step was too tight: the base is rounded from a balance over cells of different weight,
          // not from this book's exact ratio, and seed 1195568504 (2 % young, 10 % long) missed
          // 25.3 yen's half step, 0.00198, by 0.00002.
          const smallest = Math.min(...cells.filter((c) => c.coverage === line.key).map((c) => c.balancedPerDay));
          expect(Math.abs(line.charged / line.indicated - 1)).toBeLessThan(0.1 / smallest + 1e-9);
        }
      }),
      { numRuns: 8 },
    );
    // Each run rates a book several times over: bounded generously for a shared, busy machine.
  }, 60_000);
});
