import { describe, expect, it } from 'vitest';
import { initialReserve, reserveShares } from './fnol-assessment';

describe(reserveShares.name, () => {
  it('splits a claim over its coverages as their initial reserves do, the shares summing to 1', () => {
    const coverages = ['bodily-injury-liability', 'property-damage-liability', 'vehicle-damage'];
    const sut = reserveShares(coverages, 'major');
    expect(sut['bodily-injury-liability']).toBeCloseTo(initialReserve(['bodily-injury-liability'], 'major') / initialReserve(coverages, 'major'), 12);
    expect(Object.values(sut).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });

  it('gives a theft claim wholly to vehicle damage, and shares equally where no coverage has a figure', () => {
    expect(reserveShares(['vehicle-damage'], 'theft')).toEqual({ 'vehicle-damage': 1 });
    expect(reserveShares(['unknown-a', 'unknown-b'], 'major')).toEqual({ 'unknown-a': 0.5, 'unknown-b': 0.5 });
  });
});
