import { exposureFactor } from './exposure';
import type { Coverage, TariffData } from './tariff.schema';

/**
 * The bridge between a calibration (libs/domain/calibration, which knows no tariff) and a tariff
 * document: the filed relativities a calibration starts from, and a new document carrying the
 * calibrated ones, each move capped per revision.
 */

/**
 * Largest move of any one factor or base rate in one revision: ±15%. An assumption (no seed
 * gives one): it keeps a single filing's dislocation for any driver bounded, as Japanese
 * reference-rate revisions do by phasing large indications over several revisions; an indication
 * beyond it is reported in full and the rest is left to the next revision.
 */
export const CALIBRATION_MOVE_CAP = 0.15;

/** The claim coverages (claims side) and the tariff coverages they price. */
export const TARIFF_COVERAGES_OF_CLAIM_COVERAGE: Record<string, readonly Coverage[]> = {
  'bodily-injury-liability': ['bodilyInjury'],
  'property-damage-liability': ['propertyDamage'],
  'personal-injury': ['personalInjury'],
  'vehicle-damage': ['vehicleDamageStandard', 'vehicleDamageFull'],
  'road-assistance': ['roadAssistance'],
};

export interface FiledRelativities {
  /** Driver-age factor by band label (`18-20`). */
  ageBand: Record<string, number>;
  licence: Record<string, number>;
  /** Vehicle-damage factor by value band id (vehicle damage only). */
  valueBand: Record<string, number>;
  /** Exposure factor per day of each duration band (at the band's typical length) ÷ the 3h-12h band's. */
  durationBand: Record<string, number>;
}

/** Typical booked minutes of each duration band (the calibration's bands), to read the exposure curve. */
const DURATION_BAND_MINUTES: Record<string, number> = { 'up-to-3h': 120, '3h-12h': 360, '12h-24h': 1080, '1d-3d': 2880, 'over-3d': 7200 };

export function filedRelativities(t: TariffData): FiledRelativities {
  const perDay = (minutes: number) => exposureFactor(minutes, t.exposure) / (minutes / 1440);
  const neutral = perDay(DURATION_BAND_MINUTES['3h-12h'] as number);
  return {
    ageBand: Object.fromEntries(t.driverAge.bands.map(([from, to, factor]) => [`${from}-${to}`, factor])),
    licence: { gold: t.licence.gold, blue: t.licence.blue, green: t.licence.green },
    valueBand: Object.fromEntries((t.vehicleValueBands?.bands ?? []).map((b) => [b.id, b.vehicleDamageFactor])),
    durationBand: Object.fromEntries(Object.entries(DURATION_BAND_MINUTES).map(([band, minutes]) => [band, perDay(minutes) / neutral])),
  };
}

/** `indicated` moved from `current` by at most the cap, to four decimals (the engine's factor precision). */
export function cappedMove(current: number, indicated: number, cap = CALIBRATION_MOVE_CAP): number {
  const bounded = Math.min(current * (1 + cap), Math.max(current * (1 - cap), indicated));
  return Math.round(bounded * 10_000) / 10_000;
}

export interface CalibratedIndications {
  /** A short id of the calibration run, quoted in every changed source. */
  runId: string;
  /** Indicated driver-age factor per band label. */
  ageBand: Record<string, number>;
  licence: Record<string, number>;
  valueBand: Record<string, number>;
  /** Indicated change of each tariff coverage's base rates (rate level and off-balance). */
  baseChange: Partial<Record<Coverage, number>>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The current tariff with every calibrated figure moved toward its indication, capped, and
 * sourced to the run. The result is a draft's content: it goes through the same governance
 * (four-eyes approval, scheduling) as any document.
 */
export function calibratedTariffData(current: TariffData, indications: CalibratedIndications, id: string, cap = CALIBRATION_MOVE_CAP): TariffData {
  const cited = `derived: calibration run ${indications.runId} (npm run calibrate; docs/pricing-calibration.md), moves capped at ${cap * 100}% per revision (assumption: docs/pricing-calibration.md); previous figures: `;
  const next = structuredClone(current);
  next.id = id;
  delete next.supersedes;
  next.note = `Calibrated from the platform's experience (run ${indications.runId}); based on ${current.id}.`;
  next.driverAge.bands = current.driverAge.bands.map(([from, to, factor]) => [from, to, cappedMove(factor, indications.ageBand[`${from}-${to}`] ?? factor, cap)]);
  next.driverAge.source = `${cited}${current.driverAge.source}`;
  const gold = cappedMove(current.licence.gold, indications.licence['gold'] ?? current.licence.gold, cap);
  const blue = cappedMove(current.licence.blue, indications.licence['blue'] ?? current.licence.blue, cap);
  // A gold licence never costs more than a blue one (the factor-direction rule of docs/pricing.md).
  next.licence = { gold: Math.min(gold, blue), blue, green: cappedMove(current.licence.green, indications.licence['green'] ?? current.licence.green, cap), source: `${cited}${current.licence.source}` };
  if (current.vehicleValueBands && next.vehicleValueBands) {
    let floor = 0;
    next.vehicleValueBands.bands = current.vehicleValueBands.bands.map((b) => {
      // Never below the band beneath: a dearer car never costs less (the schema's rule).
      floor = Math.max(floor, cappedMove(b.vehicleDamageFactor, indications.valueBand[b.id] ?? b.vehicleDamageFactor, cap));
      return { ...b, vehicleDamageFactor: floor };
    });
    next.vehicleValueBands.source = `${cited}${current.vehicleValueBands.source}`;
  }
  const change = (c: Coverage) => {
    const indicated = indications.baseChange[c] ?? 1;
    return cappedMove(1, indicated, cap);
  };
  for (const category of Object.keys(next.basePerDay.byCategory) as (keyof TariffData['basePerDay']['byCategory'])[]) {
    const base = next.basePerDay.byCategory[category];
    for (const c of Object.keys(base) as (keyof typeof base)[]) base[c] = round1(current.basePerDay.byCategory[category][c] * change(c));
  }
  next.basePerDay.roadAssistancePerDay = round1(current.basePerDay.roadAssistancePerDay * change('roadAssistance'));
  next.basePerDay.source = `${cited}${current.basePerDay.source}`;
  return next;
}

/**
 * The pure premium per tariff coverage inside a charged premium: the premium less the policy fee,
 * net of the loadings and the safety margin, split by the plan's base rates for the car (the
 * breakdown keeps totals per step, not per coverage, so the per-coverage vehicle-age and
 * model-class factors are not in the split: an approximation, see docs/pricing-calibration.md).
 */
export function purePremiumByCoverage(t: TariffData, plan: string, category: string, premiumYen: number): Partial<Record<Coverage, number>> {
  const planData = t.plans[plan as keyof TariffData['plans']];
  const base = t.basePerDay.byCategory[category as keyof TariffData['basePerDay']['byCategory']];
  if (!planData || !base) return {};
  const l = t.loadings;
  const pure = (Math.max(0, premiumYen - l.policyFeeYen) * (1 - l.expenseRatio - l.claimHandlingRatio - l.profitRatio)) / (1 + l.safetyMargin);
  const weights = planData.coverages.map((c) => [c, c === 'roadAssistance' ? t.basePerDay.roadAssistancePerDay : base[c]] as const);
  const total = weights.reduce((s, [, w]) => s + w, 0) || 1;
  return Object.fromEntries(weights.map(([c, w]) => [c, (pure * w) / total]));
}
