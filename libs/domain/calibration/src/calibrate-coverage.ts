import { type ClaimCoverage, type ExperienceInterval, PLAN_CLAIM_COVERAGES } from './experience';
import { fitPenalisedGlm } from './penalised-glm';

/** A categorical rating variable: its levels, the base level (relativity 1) and where it applies. */
export interface RatingVariable {
  name: string;
  levels: readonly string[];
  base: string;
  /** Fitted only for these coverages (the value band and plan act on vehicle damage only). */
  coverages?: readonly ClaimCoverage[];
}

/** The filed relativity of a level for a coverage (the tariff's), or undefined when the tariff has no such factor. */
export type FiledRelativity = (coverage: ClaimCoverage, variable: string, level: string) => number | undefined;

export interface CredibilityConstants {
  /** Penalty weight toward a filed relativity (in units of Fisher information: about that many claims). */
  filed: number;
  /** Penalty toward 1 for a variable the tariff does not rate on: a light ridge that keeps empty levels finite. */
  unfiled: number;
}

/** Credibility constants (assumption, see docs/pricing-calibration.md): a level needs ~20 claims to move halfway. */
export const DEFAULT_CREDIBILITY: CredibilityConstants = { filed: 20, unfiled: 2 };

export interface LevelEstimate {
  variable: string;
  level: string;
  filed: number | null;
  frequency: number;
  severity: number;
  /** Pure-premium relativity: frequency × severity. */
  relativity: number;
  lower95: number;
  upper95: number;
  /** Standard error of log(relativity). */
  logStandardError: number;
  exposureDays: number;
  claims: number;
}

export interface CoverageFit {
  coverage: ClaimCoverage;
  rows: number;
  exposureDays: number;
  claims: number;
  incurredYen: number;
  /** Expected claims per exposure day of the all-base risk. */
  baseFrequencyPerDay: number;
  /** Expected incurred per claim of the all-base risk (yen). */
  baseSeverityYen: number;
  levels: LevelEstimate[];
  frequencyIterations: number;
  severityIterations: number;
  severityDispersion: number;
  /** Log of the pure-premium relativities per column (for prediction). */
  logRelativity: Map<string, number>;
}

interface Design {
  columns: { variable: string; level: string }[];
  index: Map<string, number>;
  variables: RatingVariable[];
}

const key = (variable: string, level: string) => `${variable}\u0000${level}`;

function designFor(coverage: ClaimCoverage, variables: readonly RatingVariable[]): Design {
  const applicable = variables.filter((v) => !v.coverages || v.coverages.includes(coverage));
  const columns = [{ variable: '(intercept)', level: '' }];
  for (const v of applicable) for (const level of v.levels) if (level !== v.base) columns.push({ variable: v.name, level });
  return { columns, index: new Map(columns.map((c, i) => [key(c.variable, c.level), i])), variables: applicable };
}

function encode(design: Design, interval: ExperienceInterval): Int32Array {
  const active = [0];
  for (const v of design.variables) {
    const column = design.index.get(key(v.name, interval.levels[v.name] ?? v.base));
    if (column !== undefined) active.push(column);
  }
  return Int32Array.from(active);
}

function priorAndPenalty(design: Design, coverage: ClaimCoverage, filed: FiledRelativity, credibility: CredibilityConstants, severity: boolean) {
  const prior = new Float64Array(design.columns.length);
  const penalty = new Float64Array(design.columns.length);
  design.columns.forEach((c, j) => {
    if (j === 0) return; // the level is the data's: no penalty on the intercept
    const relativity = filed(coverage, c.variable, c.level);
    // The tariff prices pure premium; frequency carries the filed relativity, severity starts flat.
    prior[j] = relativity !== undefined && !severity ? Math.log(relativity) : 0;
    penalty[j] = relativity !== undefined ? credibility.filed : credibility.unfiled;
  });
  return { prior, penalty };
}

/** Poisson frequency (log link, log-exposure offset) and Gamma severity (log link) for one coverage. */
export function calibrateCoverage(
  coverage: ClaimCoverage,
  experience: readonly ExperienceInterval[],
  variables: readonly RatingVariable[],
  filed: FiledRelativity,
  credibility: CredibilityConstants = DEFAULT_CREDIBILITY,
): CoverageFit {
  const design = designFor(coverage, variables);
  const exposed = experience.filter((e) => PLAN_CLAIM_COVERAGES[e.plan]?.includes(coverage) && e.exposureDays > 0);
  const rows = exposed.map((e) => encode(design, e));
  const counts = Float64Array.from(exposed, (e) => e.claims[coverage]?.count ?? 0);
  const frequencyPrior = priorAndPenalty(design, coverage, filed, credibility, false);
  const frequency = fitPenalisedGlm({
    family: 'poisson',
    columns: design.columns.length,
    rows,
    y: counts,
    offset: Float64Array.from(exposed, (e) => Math.log(e.exposureDays)),
    ...frequencyPrior,
  });

  // Severity: one observation per interval with a positive incurred, the mean per claim weighted
  // as one observation per claim would be (intervals rarely carry more than one claim).
  const severityRows: Int32Array[] = [];
  const severityY: number[] = [];
  exposed.forEach((e, i) => {
    const c = e.claims[coverage];
    if (c && c.count > 0 && c.incurredYen > 0) {
      for (let k = 0; k < c.count; k++) {
        severityRows.push(rows[i] as Int32Array);
        severityY.push(c.incurredYen / c.count);
      }
    }
  });
  const severityPrior = priorAndPenalty(design, coverage, filed, credibility, true);
  const severity = fitPenalisedGlm({
    family: 'gamma',
    columns: design.columns.length,
    rows: severityRows,
    y: Float64Array.from(severityY),
    offset: new Float64Array(severityRows.length),
    ...severityPrior,
  });

  const exposureByColumn = new Float64Array(design.columns.length);
  const claimsByColumn = new Float64Array(design.columns.length);
  rows.forEach((row, i) => {
    for (const j of row) {
      exposureByColumn[j] = (exposureByColumn[j] as number) + (exposed[i] as ExperienceInterval).exposureDays;
      claimsByColumn[j] = (claimsByColumn[j] as number) + (counts[i] as number);
    }
  });
  const logRelativity = new Map<string, number>();
  const levels: LevelEstimate[] = [];
  for (const v of design.variables) {
    for (const level of v.levels) {
      const j = design.index.get(key(v.name, level));
      const logF = j === undefined ? 0 : (frequency.beta[j] as number);
      const logS = j === undefined ? 0 : (severity.beta[j] as number);
      const se = j === undefined ? 0 : Math.sqrt(frequency.covariance.get(j, j) + severity.covariance.get(j, j));
      logRelativity.set(key(v.name, level), logF + logS);
      const filedRelativity = filed(coverage, v.name, level);
      levels.push({
        variable: v.name,
        level,
        filed: filedRelativity === undefined ? null : filedRelativity,
        frequency: Math.exp(logF),
        severity: Math.exp(logS),
        relativity: Math.exp(logF + logS),
        lower95: Math.exp(logF + logS - 1.96 * se),
        upper95: Math.exp(logF + logS + 1.96 * se),
        logStandardError: se,
        exposureDays: j === undefined ? 0 : (exposureByColumn[j] as number),
        claims: j === undefined ? 0 : (claimsByColumn[j] as number),
      });
    }
  }
  return {
    coverage,
    rows: exposed.length,
    exposureDays: exposed.reduce((s, e) => s + e.exposureDays, 0),
    claims: counts.reduce((s, c) => s + c, 0),
    incurredYen: exposed.reduce((s, e) => s + (e.claims[coverage]?.incurredYen ?? 0), 0),
    baseFrequencyPerDay: Math.exp(frequency.beta[0] as number),
    baseSeverityYen: Math.exp(severity.beta[0] as number),
    levels,
    frequencyIterations: frequency.iterations,
    severityIterations: severity.iterations,
    severityDispersion: severity.dispersion,
    logRelativity,
  };
}

/** Expected incurred yen of one interval on one coverage under a fit (0 when the plan lacks it). */
export function expectedLoss(fit: CoverageFit, variables: readonly RatingVariable[], interval: ExperienceInterval): number {
  if (!PLAN_CLAIM_COVERAGES[interval.plan]?.includes(fit.coverage)) return 0;
  let log = Math.log(fit.baseFrequencyPerDay * fit.baseSeverityYen * interval.exposureDays);
  for (const v of variables) {
    if (v.coverages && !v.coverages.includes(fit.coverage)) continue;
    log += fit.logRelativity.get(key(v.name, interval.levels[v.name] ?? v.base)) ?? 0;
  }
  return Math.exp(log);
}
