import {
  calibrateCoverage,
  type CoverageFit,
  type CredibilityConstants,
  DEFAULT_CREDIBILITY,
  expectedLoss,
  type FiledRelativity,
  type RatingVariable,
} from './calibrate-coverage';
import { CLAIM_COVERAGES, type ClaimCoverage, type ExperienceInterval, PLAN_CLAIM_COVERAGES } from './experience';
import { doubleLiftChart, giniIndex, liftChart, type LiftBucket, type ScoredInterval } from './hold-out-validation';
import { ratingVariablesFor } from './rating-variables';

export interface CalibrationOptions {
  /** Cover starting at or after this instant is the hold-out period (never fitted on). */
  holdOutFromMs: number;
  filed: FiledRelativity;
  credibility?: CredibilityConstants;
}

export interface PeriodSummary {
  intervals: number;
  exposureDays: number;
  claims: number;
  incurredYen: number;
}

export interface CombinedRelativity {
  variable: string;
  level: string;
  filed: number | null;
  /** Loss-weighted over the coverages it applies to (the tariff applies one factor to all of them). */
  relativity: number;
  lower95: number;
  upper95: number;
}

/**
 * A coverage needs this many claims with an incurred amount in the training period to be fitted
 * (assumption: below it neither the level nor any relativity is measurable; the coverage keeps its
 * filed figures and the report says so).
 */
export const MIN_CLAIMS_TO_FIT = 10;

export interface CalibrationRun {
  variables: RatingVariable[];
  /** Coverages left at their filed figures, with why. */
  notFitted: { coverage: ClaimCoverage; claims: number; reason: string }[];
  training: PeriodSummary;
  holdOut: PeriodSummary;
  fits: CoverageFit[];
  /** Expected incurred of the training book under the fit ÷ its actual incurred, per coverage and overall. */
  balance: Record<ClaimCoverage | 'overall', number>;
  combined: CombinedRelativity[];
  lift: LiftBucket[];
  doubleLift: LiftBucket[];
  gini: { proposed: number; current: number };
}

function summary(rows: readonly ExperienceInterval[]): PeriodSummary {
  let claims = 0;
  let incurredYen = 0;
  for (const r of rows) {
    for (const c of Object.values(r.claims)) {
      claims += c.count;
      incurredYen += c.incurredYen;
    }
  }
  return { intervals: rows.length, exposureDays: rows.reduce((s, r) => s + r.exposureDays, 0), claims, incurredYen };
}

/** The filed relativities with each coverage's level balanced to the training losses: the "current" model. */
function filedModel(training: readonly ExperienceInterval[], variables: readonly RatingVariable[], filed: FiledRelativity) {
  const relativity = (c: ClaimCoverage, r: ExperienceInterval) =>
    variables.reduce((p, v) => (v.coverages && !v.coverages.includes(c) ? p : p * (filed(c, v.name, r.levels[v.name] ?? v.base) ?? 1)), r.exposureDays);
  const level = new Map<ClaimCoverage, number>();
  for (const c of CLAIM_COVERAGES) {
    const exposed = training.filter((r) => PLAN_CLAIM_COVERAGES[r.plan]?.includes(c));
    const actual = exposed.reduce((s, r) => s + (r.claims[c]?.incurredYen ?? 0), 0);
    const expected = exposed.reduce((s, r) => s + relativity(c, r), 0);
    level.set(c, expected > 0 ? actual / expected : 0);
  }
  return (c: ClaimCoverage, r: ExperienceInterval) => (PLAN_CLAIM_COVERAGES[r.plan]?.includes(c) ? (level.get(c) ?? 0) * relativity(c, r) : 0);
}

/** One factor per level for all coverages, weighted by each coverage's share of the book's losses. */
function combine(fits: readonly CoverageFit[]): CombinedRelativity[] {
  const totalLoss = fits.reduce((s, f) => s + f.incurredYen, 0) || 1;
  const byLevel = new Map<string, { variable: string; level: string; filed: number | null; parts: { w: number; r: number; se: number }[] }>();
  for (const f of fits) {
    for (const l of f.levels) {
      const k = `${l.variable}\u0000${l.level}`;
      const entry = byLevel.get(k) ?? { variable: l.variable, level: l.level, filed: l.filed, parts: [] };
      entry.parts.push({ w: f.incurredYen / totalLoss, r: l.relativity, se: l.logStandardError });
      byLevel.set(k, entry);
    }
  }
  return [...byLevel.values()].map((e) => {
    const weight = e.parts.reduce((s, p) => s + p.w, 0) || 1;
    const relativity = e.parts.reduce((s, p) => s + (p.w / weight) * p.r, 0);
    // Delta method on the weighted mean, the coverages' fits being independent.
    const variance = e.parts.reduce((s, p) => s + (p.w / weight) ** 2 * (p.r * p.se) ** 2, 0);
    const logSe = Math.sqrt(variance) / relativity;
    return { variable: e.variable, level: e.level, filed: e.filed, relativity, lower95: relativity * Math.exp(-1.96 * logSe), upper95: relativity * Math.exp(1.96 * logSe) };
  });
}

/** Fit every coverage on the training period and validate on the hold-out period. */
export function runCalibration(experience: readonly ExperienceInterval[], options: CalibrationOptions): CalibrationRun {
  const training = experience.filter((e) => e.coverStartMs < options.holdOutFromMs);
  const holdOut = experience.filter((e) => e.coverStartMs >= options.holdOutFromMs);
  const variables = ratingVariablesFor(training);
  const notFitted: CalibrationRun['notFitted'] = [];
  const fittable = CLAIM_COVERAGES.filter((c) => {
    const claims = training.filter((r) => PLAN_CLAIM_COVERAGES[r.plan]?.includes(c) && (r.claims[c]?.incurredYen ?? 0) > 0).length;
    if (claims >= MIN_CLAIMS_TO_FIT) return true;
    notFitted.push({ coverage: c, claims, reason: `${claims} covered intervals with an incurred claim in the training period, fewer than ${MIN_CLAIMS_TO_FIT}` });
    return false;
  });
  const fits = fittable.map((c) => calibrateCoverage(c, training, variables, options.filed, options.credibility ?? DEFAULT_CREDIBILITY));
  const current = filedModel(training, variables, options.filed);

  const balance = {} as Record<ClaimCoverage | 'overall', number>;
  let expectedAll = 0;
  for (const f of fits) {
    const expected = training.reduce((s, r) => s + expectedLoss(f, variables, r), 0);
    balance[f.coverage] = f.incurredYen > 0 ? expected / f.incurredYen : 0;
    expectedAll += expected;
  }
  const trainingSummary = summary(training);
  balance.overall = trainingSummary.incurredYen > 0 ? expectedAll / trainingSummary.incurredYen : 0;

  const scored: ScoredInterval[] = holdOut.map((r) => ({
    exposureDays: r.exposureDays,
    actualYen: Object.values(r.claims).reduce((s, c) => s + c.incurredYen, 0),
    proposedYen: fits.reduce((s, f) => s + expectedLoss(f, variables, r), 0),
    currentYen: fits.reduce((s, f) => s + current(f.coverage, r), 0),
  }));
  return {
    variables,
    notFitted,
    training: trainingSummary,
    holdOut: summary(holdOut),
    fits,
    balance,
    combined: combine(fits),
    lift: scored.length ? liftChart(scored) : [],
    doubleLift: scored.length ? doubleLiftChart(scored) : [],
    gini: { proposed: giniIndex(scored, (r) => r.proposedYen), current: giniIndex(scored, (r) => r.currentYen) },
  };
}
