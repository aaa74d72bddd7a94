/**
 * How well a model ranks risks it was not fitted on: lift and double-lift charts in exposure
 * deciles, and the Gini index of the loss Lorenz curve (risks ordered from the lowest predicted
 * rate: 0 is no better than charging everyone the same, higher is better).
 */
export interface ScoredInterval {
  exposureDays: number;
  actualYen: number;
  /** Expected incurred under the calibrated model. */
  proposedYen: number;
  /** Expected incurred under the filed relativities (level balanced to the same training data). */
  currentYen: number;
}

export interface LiftBucket {
  bucket: number;
  exposureDays: number;
  /** Per exposure day, divided by the hold-out's overall actual loss per day. */
  actual: number;
  proposed: number;
  current: number;
}

function deciles<T extends ScoredInterval>(sorted: readonly T[], buckets: number): T[][] {
  const total = sorted.reduce((s, r) => s + r.exposureDays, 0);
  const groups: T[][] = Array.from({ length: buckets }, () => []);
  let cumulative = 0;
  for (const r of sorted) {
    const index = Math.min(buckets - 1, Math.floor((cumulative / total) * buckets));
    (groups[index] as T[]).push(r);
    cumulative += r.exposureDays;
  }
  return groups;
}

function summarise(groups: readonly ScoredInterval[][], scale: number): LiftBucket[] {
  return groups.map((g, i) => {
    const exposure = g.reduce((s, r) => s + r.exposureDays, 0) || 1;
    const per = (f: (r: ScoredInterval) => number) => g.reduce((s, r) => s + f(r), 0) / exposure / scale;
    return { bucket: i + 1, exposureDays: exposure, actual: per((r) => r.actualYen), proposed: per((r) => r.proposedYen), current: per((r) => r.currentYen) };
  });
}

const overallRate = (rows: readonly ScoredInterval[]) => rows.reduce((s, r) => s + r.actualYen, 0) / (rows.reduce((s, r) => s + r.exposureDays, 0) || 1) || 1;

/** Exposure deciles of the proposed model's predicted rate. */
export function liftChart(rows: readonly ScoredInterval[], buckets = 10): LiftBucket[] {
  const sorted = [...rows].sort((a, b) => a.proposedYen / a.exposureDays - b.proposedYen / b.exposureDays);
  return summarise(deciles(sorted, buckets), overallRate(rows));
}

/** Exposure deciles of proposed ÷ current: where the models disagree, which one the losses follow. */
export function doubleLiftChart(rows: readonly ScoredInterval[], buckets = 10): LiftBucket[] {
  const sorted = [...rows].sort((a, b) => a.proposedYen / a.currentYen - b.proposedYen / b.currentYen);
  return summarise(deciles(sorted, buckets), overallRate(rows));
}

export function giniIndex(rows: readonly ScoredInterval[], predicted: (r: ScoredInterval) => number): number {
  const sorted = [...rows].sort((a, b) => predicted(a) / a.exposureDays - predicted(b) / b.exposureDays);
  const exposure = sorted.reduce((s, r) => s + r.exposureDays, 0);
  const losses = sorted.reduce((s, r) => s + r.actualYen, 0);
  if (exposure === 0 || losses === 0) return 0;
  let area = 0;
  let lossShare = 0;
  for (const r of sorted) {
    const next = lossShare + r.actualYen / losses;
    area += ((r.exposureDays / exposure) * (lossShare + next)) / 2;
    lossShare = next;
  }
  return 1 - 2 * area;
}
