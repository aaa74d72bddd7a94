import { describe, expect, it } from 'vitest';
import { trustFactor } from '../rating-factors';
import { tariffs } from '../tariff-registry';
import { driverExperience, EXPERIENCE_ASSUMPTIONS } from './driver-experience';

const tariff = tariffs.inForceAt(new Date('2027-01-10T00:00:00+09:00'));
const t = tariff?.data as NonNullable<typeof tariff>['data'];

describe(driverExperience.name, () => {
  it('keeps a driver with few covered hours near neutral (credibility by hours)', () => {
    const sut = driverExperience(t, { coveredHours: 50, claimFreeHours: 50, claims: 0 });
    expect(sut.credibility).toBe(0.01);
    expect(sut.relativity).toBe(0.99);
    expect(sut.score).toBe(62);
    expect(trustFactor(t, sut.score)).toBe(0.995);
  });

  it('gives a fully credible claim-free driver the tariff\'s best trust factor, and no better', () => {
    const sut = driverExperience(t, { coveredHours: EXPERIENCE_ASSUMPTIONS.fullCredibilityHours, claimFreeHours: EXPERIENCE_ASSUMPTIONS.fullCredibilityHours, claims: 0 });
    expect(sut).toMatchObject({ credibility: 1, relativity: 0, score: 100 });
    expect(trustFactor(t, sut.score)).toBe(0.9);
  });

  it('raises a driver who claims more often than expected, within the tariff\'s worst trust factor', () => {
    const hours = EXPERIENCE_ASSUMPTIONS.fullCredibilityHours;
    const sut = driverExperience(t, { coveredHours: hours, claimFreeHours: hours - 40, claims: 9 });
    expect(sut.relativity).toBeGreaterThan(2);
    expect(sut.score).toBe(0);
    expect(trustFactor(t, sut.score)).toBe(1.15);
  });

  it('prices a driver claiming exactly as expected as neutral', () => {
    const hours = 1 / EXPERIENCE_ASSUMPTIONS.expectedClaimsPerCoveredHour;
    const sut = driverExperience(t, { coveredHours: hours, claimFreeHours: 0, claims: 1 });
    expect(sut.relativity).toBe(1);
    expect(trustFactor(t, sut.score)).toBe(1);
  });
});
