import { describe, expect, it } from 'vitest';
import { CALIBRATION_MOVE_CAP, calibratedTariffData, cappedMove, filedRelativities, purePremiumByCoverage } from './tariff-calibration';
import { parseTariffDocument } from './tariff-document';
import { tariffs } from './tariff-registry';

const current = tariffs.inForceAt(new Date('2027-01-01T00:00:00+09:00'));
if (!current) throw new Error('no shipped tariff in force on 2027-01-01');

describe(calibratedTariffData.name, () => {
  const sut = calibratedTariffData(
    current.data,
    {
      runId: 'test-run',
      // Indications far beyond the cap in both directions, a gold licence dearer than blue, and a
      // value band indicated below the one beneath it.
      ageBand: { '18-20': 4.0, '30-39': 1.0, '80-120': 0.5 },
      licence: { gold: 1.3, blue: 1.0, green: 1.05 },
      valueBand: { 'up-to-1m': 0.8, '1m-3m': 1.0, '3m-5m': 0.7 },
      baseChange: { bodilyInjury: 1.5, vehicleDamageStandard: 0.97 },
    },
    'kc-carshare-2027-01-r2-cal-test',
  );

  it('moves no figure by more than the cap per revision', () => {
    const age = Object.fromEntries(sut.driverAge.bands.map(([f, t, x]) => [`${f}-${t}`, x]));
    expect(age['18-20']).toBeCloseTo(2.2 * (1 + CALIBRATION_MOVE_CAP), 4);
    expect(age['80-120']).toBeCloseTo(1.75 * (1 - CALIBRATION_MOVE_CAP), 4);
    expect(sut.basePerDay.byCategory.ordinary.bodilyInjury).toBeCloseTo(current.data.basePerDay.byCategory.ordinary.bodilyInjury * 1.15, 1);
    expect(sut.basePerDay.byCategory.kei.vehicleDamageStandard).toBeCloseTo(current.data.basePerDay.byCategory.kei.vehicleDamageStandard * 0.97, 1);
  });

  it('keeps the factor directions: gold never dearer than blue, a dearer car never cheaper', () => {
    expect(sut.licence.gold).toBeLessThanOrEqual(sut.licence.blue);
    const factors = sut.vehicleValueBands?.bands.map((b) => b.vehicleDamageFactor) ?? [];
    expect(factors).toEqual([...factors].sort((a, b) => a - b));
  });

  it('is a document the governance accepts, citing the run in every changed source', () => {
    const { tariff } = parseTariffDocument(JSON.stringify(sut));
    expect(tariff.version).toMatch(/^kc-carshare-2027-01-r2-cal-test@[0-9a-f]{12}$/);
    for (const source of [sut.driverAge.source, sut.licence.source, sut.basePerDay.source, sut.vehicleValueBands?.source]) expect(source).toMatch(/^derived: calibration run test-run/);
  });
});

describe(cappedMove.name, () => {
  it('keeps an indication inside the cap and rounds to the engine’s four decimals', () => {
    expect(cappedMove(1, 1.0512345)).toBe(1.0512);
    expect(cappedMove(2, 3)).toBe(2.3);
    expect(cappedMove(2, 1)).toBe(1.7);
  });
});

describe(filedRelativities.name, () => {
  it('reads the exposure curve as a per-day relativity: short bookings cost more per day', () => {
    const sut = filedRelativities(current.data);
    expect(sut.durationBand['3h-12h']).toBe(1);
    expect(sut.durationBand['up-to-3h']).toBeGreaterThan(1);
    expect(sut.durationBand['over-3d']).toBeLessThan(1);
    expect(sut.ageBand['18-20']).toBe(2.2);
  });
});

describe(purePremiumByCoverage.name, () => {
  it('splits the premium net of fee and loadings over the plan’s coverages by their base rates', () => {
    const sut = purePremiumByCoverage(current.data, 'liability', 'ordinary', 1000);
    const l = current.data.loadings;
    const pure = ((1000 - l.policyFeeYen) * (1 - l.expenseRatio - l.claimHandlingRatio - l.profitRatio)) / (1 + l.safetyMargin);
    expect((sut.bodilyInjury ?? 0) + (sut.propertyDamage ?? 0)).toBeCloseTo(pure, 6);
    expect(Object.keys(sut).sort()).toEqual(['bodilyInjury', 'propertyDamage']);
  });
});
