import { describe, expect, it } from 'vitest';
import { runCalibration } from './calibration-run';
import { simulateExperience } from './experience-simulator';

const FROM = Date.parse('2027-01-01T00:00:00+09:00');
const TO = Date.parse('2027-07-01T00:00:00+09:00');

describe(runCalibration.name, () => {
  it('leaves a coverage without claims at its filed figures instead of failing the whole run', () => {
    const experience = simulateExperience({ trips: 8_000, seed: 5, fromMs: FROM, toMs: TO }).map((e) => {
      const { 'road-assistance': _dropped, ...claims } = e.claims;
      return { ...e, claims };
    });
    const sut = runCalibration(experience, { holdOutFromMs: Date.parse('2027-06-01T00:00:00+09:00'), filed: () => undefined });
    expect(sut.notFitted).toEqual([expect.objectContaining({ coverage: 'road-assistance', claims: 0 })]);
    expect(sut.fits.map((f) => f.coverage)).toEqual(['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage']);
  });

  it('keeps every level finite when a level has no exposure at all (the penalty holds it at its prior)', () => {
    const experience = simulateExperience({ trips: 8_000, seed: 6, fromMs: FROM, toMs: TO }).filter((e) => e.levels['ageBand'] !== '80-120');
    const sut = runCalibration(experience, { holdOutFromMs: Date.parse('2027-06-01T00:00:00+09:00'), filed: (_c, v, l) => (v === 'ageBand' && l === '80-120' ? 1.75 : undefined) });
    const oldest = sut.fits[0]?.levels.find((l) => l.variable === 'ageBand' && l.level === '80-120');
    expect(oldest?.exposureDays).toBe(0);
    expect(oldest?.frequency).toBeCloseTo(1.75, 6);
    expect(Number.isFinite(oldest?.upper95)).toBe(true);
  });
});
