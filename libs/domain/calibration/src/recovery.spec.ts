import { describe, expect, it } from 'vitest';
import type { FiledRelativity } from './calibrate-coverage';
import { runCalibration } from './calibration-run';
import { SIMULATION_TRUTH, simulateExperience, trueExpectedLoss, trueRelativity } from './experience-simulator';

/**
 * The filed relativities the calibration starts from: those of kc-carshare-2027-01-r2 (driver age,
 * licence, vehicle value bands), which the simulated truth deliberately differs from.
 */
const FILED: Record<string, Record<string, number>> = {
  ageBand: { '18-20': 2.2, '21-23': 1.75, '24-29': 1.25, '30-39': 1, '40-49': 0.95, '50-59': 0.97, '60-69': 1.05, '70-74': 1.25, '75-79': 1.45, '80-120': 1.75 },
  licence: { gold: 0.84, blue: 1, green: 1 },
  valueBand: { 'up-to-1m': 0.8, '1m-3m': 1, '3m-5m': 1.25, '5m-7.5m': 1.6, '7.5m-10m': 2 },
};
const filed: FiledRelativity = (coverage, variable, level) => (variable === 'valueBand' && coverage !== 'vehicle-damage' ? undefined : FILED[variable]?.[level]);

const FROM = Date.parse('2027-01-01T00:00:00+09:00');
const HOLD_OUT = Date.parse('2027-11-01T00:00:00+09:00');
const TO = Date.parse('2028-01-01T00:00:00+09:00');

describe('calibration recovers known relativities from simulated experience', () => {
  // A smaller book than the documented full run (200,000 trips): 60,000 trips, a few seconds.
  const experience = simulateExperience({ trips: 60_000, seed: 21, fromMs: FROM, toMs: TO });
  const sut = runCalibration(experience, { holdOutFromMs: HOLD_OUT, filed });

  it('puts the true pure-premium relativity inside its 95% interval for at least 90% of the levels', () => {
    const checked = sut.fits.flatMap((f) =>
      f.levels.flatMap((l) => {
        const truth = trueRelativity(SIMULATION_TRUTH, f.coverage, l.variable, l.level);
        return truth === undefined ? [] : [{ coverage: f.coverage, ...l, truth, inside: truth >= l.lower95 && truth <= l.upper95 }];
      }),
    );
    const share = checked.filter((c) => c.inside).length / checked.length;
    expect(checked.length).toBeGreaterThan(150);
    expect(share, JSON.stringify(checked.filter((c) => !c.inside).map((c) => [c.coverage, c.variable, c.level, c.truth, c.lower95, c.upper95]))).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the overall rate level within 2% of the truth', () => {
    const training = experience.filter((e) => e.coverStartMs < HOLD_OUT);
    const truth = training.reduce((s, e) => s + sut.fits.reduce((t, f) => t + trueExpectedLoss(SIMULATION_TRUTH, f.coverage, e), 0), 0);
    const fitted = sut.balance.overall * sut.training.incurredYen;
    expect(Math.abs(fitted / truth - 1)).toBeLessThan(0.02);
  });

  it('ranks the hold-out period better than the filed relativities do', () => {
    expect(sut.gini.proposed).toBeGreaterThan(sut.gini.current);
    expect(sut.lift).toHaveLength(10);
    // The lift chart rises: the top decile's losses per day are well above the bottom one's.
    expect((sut.lift[9]?.actual ?? 0) / (sut.lift[0]?.actual ?? 1)).toBeGreaterThan(2);
  });
});
