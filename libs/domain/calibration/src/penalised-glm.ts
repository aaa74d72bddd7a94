import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * A log-link GLM fitted by iteratively reweighted least squares with a quadratic penalty toward
 * prior coefficients: maximise loglik(β) − ½ Σ λ_j (β_j − β0_j)². With the current tariff's log
 * relativities as β0, λ_j acts as a credibility constant: a level whose data carry information
 * (expected claims for Poisson) far above λ_j follows its data, a thin level stays near the filed
 * value (Z ≈ information / (information + λ)). Every column is a 0/1 indicator (the rating
 * variables are categorical), so a row is the list of its active columns and X'WX is accumulated
 * in O(active²) per row; ml-matrix does the p×p Cholesky solve and the inverse.
 */
export type GlmFamily = 'poisson' | 'gamma';

export interface GlmInput {
  family: GlmFamily;
  /** Number of columns (column 0 is the intercept, active in every row). */
  columns: number;
  /** Active columns of each row. */
  rows: readonly Int32Array[];
  y: Float64Array;
  /** log(exposure) for frequency; 0 for severity. */
  offset: Float64Array;
  prior: Float64Array;
  penalty: Float64Array;
  maxIterations?: number;
}

export interface GlmFit {
  beta: Float64Array;
  /** Covariance of β (dispersion × (X'WX + Λ)⁻¹: the penalised fit's curvature). */
  covariance: Matrix;
  dispersion: number;
  iterations: number;
  converged: boolean;
}

const MAX_ETA = 30;

function linearPredictor(row: Int32Array, beta: Float64Array): number {
  let eta = 0;
  for (let k = 0; k < row.length; k++) eta += beta[row[k] as number] as number;
  return eta;
}

/** Starting point: the prior, with the intercept at the data's overall level. */
function startingBeta(input: GlmInput): Float64Array {
  const beta = Float64Array.from(input.prior);
  let ySum = 0;
  let muSum = 0;
  for (let i = 0; i < input.rows.length; i++) {
    ySum += input.y[i] as number;
    muSum += Math.exp(Math.min(MAX_ETA, linearPredictor(input.rows[i] as Int32Array, beta) + (input.offset[i] as number)));
  }
  if (ySum > 0 && muSum > 0) beta[0] = (beta[0] as number) + Math.log(ySum / muSum);
  return beta;
}

/** One IRLS step: the penalised normal equations (X'WX + Λ) β = X'Wz + Λ β0. */
function normalEquations(input: GlmInput, beta: Float64Array): { information: Matrix; score: Matrix } {
  const p = input.columns;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < input.rows.length; i++) {
    const row = input.rows[i] as Int32Array;
    const eta = linearPredictor(row, beta);
    const mu = Math.exp(Math.min(MAX_ETA, eta + (input.offset[i] as number)));
    const y = input.y[i] as number;
    // Log link: dμ/dη = μ. Poisson V(μ) = μ gives w = μ; Gamma V(μ) = μ² gives w = 1.
    const w = input.family === 'poisson' ? mu : 1;
    const z = eta + (y - mu) / mu;
    for (let k = 0; k < row.length; k++) {
      const j = row[k] as number;
      b[j] = (b[j] as number) + w * z;
      for (let m = 0; m < row.length; m++) a[j * p + (row[m] as number)] = (a[j * p + (row[m] as number)] as number) + w;
    }
  }
  for (let j = 0; j < p; j++) {
    a[j * p + j] = (a[j * p + j] as number) + (input.penalty[j] as number);
    b[j] = (b[j] as number) + (input.penalty[j] as number) * (input.prior[j] as number);
  }
  return { information: Matrix.from1DArray(p, p, a), score: Matrix.columnVector(Array.from(b)) };
}

function pearsonDispersion(input: GlmInput, beta: Float64Array): number {
  if (input.family === 'poisson') return 1;
  let chi2 = 0;
  for (let i = 0; i < input.rows.length; i++) {
    const mu = Math.exp(linearPredictor(input.rows[i] as Int32Array, beta) + (input.offset[i] as number));
    chi2 += (((input.y[i] as number) - mu) / mu) ** 2;
  }
  return chi2 / Math.max(1, input.rows.length - input.columns);
}

export function fitPenalisedGlm(input: GlmInput): GlmFit {
  const p = input.columns;
  let beta = startingBeta(input);
  let information = Matrix.eye(p);
  let converged = false;
  let iterations = 0;
  const maxIterations = input.maxIterations ?? 30;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const system = normalEquations(input, beta);
    information = system.information;
    const cholesky = new CholeskyDecomposition(information);
    if (!cholesky.isPositiveDefinite()) throw new Error('the penalised information matrix is not positive definite: a column has no data and no penalty');
    const next = Float64Array.from(cholesky.solve(system.score).getColumn(0));
    let change = 0;
    for (let j = 0; j < p; j++) change = Math.max(change, Math.abs((next[j] as number) - (beta[j] as number)));
    beta = next;
    converged = change < 1e-8;
  }
  // The covariance at the solution: recompute the information at the final β.
  information = normalEquations(input, beta).information;
  const dispersion = pearsonDispersion(input, beta);
  const inverse = new CholeskyDecomposition(information).solve(Matrix.eye(p));
  return { beta, covariance: inverse.mul(dispersion), dispersion, iterations, converged };
}
