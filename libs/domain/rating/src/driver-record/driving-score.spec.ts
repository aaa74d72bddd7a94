import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drivingScore, type TripTotals } from './driving-score';

const totals = (t: Partial<TripTotals>): TripTotals => ({ trips: 1, distanceMetres: 100_000, drivenSeconds: 7200, harshBraking: 0, harshAcceleration: 0, speedingSeconds: 0, nightMinutes: 0, ...t });

describe(drivingScore.name, () => {
  it('scores the documented typical driver 80: one harsh braking and half a harsh acceleration per 100 km, 5% speeding, 10% at night', () => {
    const sut = drivingScore(totals({ distanceMetres: 200_000, harshBraking: 2, harshAcceleration: 1, speedingSeconds: 360, nightMinutes: 12 }));
    expect(sut).toEqual({ score: 80, km: 200, trips: 1 });
  });

  it('gives a clean driver 100 and floors a reckless one at 0', () => {
    expect(drivingScore(totals({})).score).toBe(100);
    expect(drivingScore(totals({ harshBraking: 50, speedingSeconds: 7200, nightMinutes: 120 })).score).toBe(0);
  });

  it('does not make a score of 0 out of one harsh braking in a few metres: rates count at least 100 km', () => {
    expect(drivingScore(totals({ distanceMetres: 5, harshBraking: 1 })).score).toBe(90);
  });

  it('never leaves [0, 100] and never rises with one more harsh event (fast-check)', () => {
    const count = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 42_000_000 }), fc.integer({ min: 1, max: 604_800 }), count, count, count, count, (metres, seconds, braking, accel, speeding, night) => {
        const t = totals({ distanceMetres: metres, drivenSeconds: seconds, harshBraking: braking, harshAcceleration: accel, speedingSeconds: speeding, nightMinutes: night });
        const sut = drivingScore(t).score;
        expect(sut).toBeGreaterThanOrEqual(0);
        expect(sut).toBeLessThanOrEqual(100);
        expect(drivingScore({ ...t, harshBraking: braking + 1 }).score).toBeLessThanOrEqual(sut);
      }),
    );
  });
});
