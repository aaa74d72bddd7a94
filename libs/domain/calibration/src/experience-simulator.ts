import { CLAIM_COVERAGES, type ClaimCoverage, type CoverageExperience, type ExperienceInterval, PLAN_CLAIM_COVERAGES, ratingLevels } from './experience';

/**
 * Simulated experience from KNOWN true relativities, so the calibration can be shown to recover
 * them. Every figure here is an assumption chosen for that test (docs/pricing-calibration.md
 * "The simulator"): the truth differs from the filed tariff on purpose (younger and older drivers
 * worse than filed, green licences worse, gold slightly better, dearer cars' damage dearer), and
 * claim frequencies are inflated about 20-fold over a real per-use book so that a book of
 * 200,000 trips carries enough claims to measure every level (a real book would need years).
 */
export interface SimulationTruth {
  /** Expected claims per exposure day of the all-base risk, per coverage. */
  baseFrequencyPerDay: Record<ClaimCoverage, number>;
  /** Mean incurred per claim of the all-base risk (yen). */
  baseSeverityYen: Record<ClaimCoverage, number>;
  /** Gamma shape of the incurred per claim (2: coefficient of variation 0.71). */
  severityShape: number;
  /** True frequency relativities per variable and level (every coverage; vehicle-damage-only ones below). */
  frequency: Record<string, Record<string, number>>;
  /** True severity relativities of vehicle damage only (sum insured and deductible). */
  vehicleDamageSeverity: Record<string, Record<string, number>>;
}

export const SIMULATION_TRUTH: SimulationTruth = {
  baseFrequencyPerDay: { 'bodily-injury-liability': 0.02, 'property-damage-liability': 0.05, 'personal-injury': 0.015, 'vehicle-damage': 0.06, 'road-assistance': 0.03 },
  // Scaled from the initial reserves of libs/domain/claims fnol-assessment (domain.md section 6).
  baseSeverityYen: { 'bodily-injury-liability': 1_200_000, 'property-damage-liability': 350_000, 'personal-injury': 600_000, 'vehicle-damage': 300_000, 'road-assistance': 60_000 },
  severityShape: 2,
  frequency: {
    ageBand: { '18-20': 2.6, '21-23': 1.9, '24-29': 1.3, '30-39': 1, '40-49': 0.9, '50-59': 0.95, '60-69': 1.1, '70-74': 1.35, '75-79': 1.6, '80-120': 2.0 },
    licence: { gold: 0.8, blue: 1, green: 1.15 },
    gradeBand: { none: 1, '1-5': 1.4, '6-9': 1.05, '10-15': 0.85, '16-20': 0.75 },
    vehicleClass: { ordinary: 1, small: 0.95, kei: 0.85 },
    vehicleAgeBand: { '0-13m': 0.85, '14-37m': 0.9, '38-61m': 1, '62-121m': 1.05, '122m+': 1.1 },
    hourBand: { night: 1.5, morning: 1.1, daytime: 1, evening: 1.2 },
    weekdayBand: { weekday: 1, weekend: 1.1 },
    durationBand: { 'up-to-3h': 2.0, '3h-12h': 1, '12h-24h': 0.7, '1d-3d': 0.5, 'over-3d': 0.4 },
    partner: { alpha: 1, beta: 1.1, gamma: 0.9 },
  },
  vehicleDamageSeverity: {
    valueBand: { 'up-to-1m': 0.7, '1m-3m': 1, '3m-5m': 1.3, '5m-7.5m': 1.7, '7.5m-10m': 2.1 },
    plan: { standard: 1, full: 1.2 },
  },
};

/** mulberry32: small, deterministic, the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of options) {
    r -= weight;
    if (r < 0) return value;
  }
  return (options[options.length - 1] as readonly [T, number])[0];
}

function poisson(random: () => number, mean: number): number {
  // Knuth's method: means here are well below 1.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Gamma(shape, scale) by Marsaglia and Tsang (shape >= 1), normals by Box-Muller. */
function gamma(random: () => number, shape: number, scale: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const v = (1 + c * normal) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - random()) < 0.5 * normal ** 2 + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

export interface SimulationOptions {
  trips: number;
  seed: number;
  /** Cover starts are spread uniformly over [from, to). */
  fromMs: number;
  toMs: number;
  truth?: SimulationTruth;
}

/** The true expected incurred of one interval on one coverage. */
export function trueExpectedLoss(truth: SimulationTruth, coverage: ClaimCoverage, interval: ExperienceInterval): number {
  if (!PLAN_CLAIM_COVERAGES[interval.plan]?.includes(coverage)) return 0;
  return interval.exposureDays * trueFrequencyPerDay(truth, coverage, interval) * trueSeverity(truth, coverage, interval);
}

function trueFrequencyPerDay(truth: SimulationTruth, coverage: ClaimCoverage, interval: ExperienceInterval): number {
  let f = truth.baseFrequencyPerDay[coverage];
  for (const [variable, relativities] of Object.entries(truth.frequency)) f *= relativities[interval.levels[variable] ?? ''] ?? 1;
  return f;
}

function trueSeverity(truth: SimulationTruth, coverage: ClaimCoverage, interval: ExperienceInterval): number {
  let s = truth.baseSeverityYen[coverage];
  if (coverage === 'vehicle-damage') for (const [variable, relativities] of Object.entries(truth.vehicleDamageSeverity)) s *= relativities[interval.levels[variable] ?? ''] ?? 1;
  return s;
}

/** The true pure-premium relativity of a level on a coverage (what the calibration should find). */
export function trueRelativity(truth: SimulationTruth, coverage: ClaimCoverage, variable: string, level: string): number | undefined {
  const f = truth.frequency[variable]?.[level];
  const s = coverage === 'vehicle-damage' ? truth.vehicleDamageSeverity[variable]?.[level] : undefined;
  if (f === undefined && s === undefined) return undefined;
  return (f ?? 1) * (s ?? 1);
}

const AGES: readonly (readonly [readonly [number, number], number])[] = [
  [[18, 20], 5],
  [[21, 23], 9],
  [[24, 29], 20],
  [[30, 39], 22],
  [[40, 49], 18],
  [[50, 59], 12],
  [[60, 69], 7],
  [[70, 74], 3],
  [[75, 79], 2],
  [[80, 90], 2],
];
const DURATIONS: readonly (readonly [number, number])[] = [
  [60, 25],
  [180, 25],
  [360, 15],
  [720, 10],
  [1440, 12],
  [2880, 8],
  [10080, 5],
];

/** A seeded book of covered trips with claims drawn from the truth. */
export function simulateExperience(options: SimulationOptions): ExperienceInterval[] {
  const truth = options.truth ?? SIMULATION_TRUTH;
  const random = mulberry32(options.seed);
  const book: ExperienceInterval[] = [];
  for (let i = 0; i < options.trips; i++) {
    const [from, to] = pick(random, AGES);
    const driverAge = from + Math.floor(random() * (to - from + 1));
    const graded = random() >= 0.25;
    const grade = graded ? 1 + Math.floor(random() * 20) : null;
    const plan = pick(random, [
      ['liability', 25],
      ['standard', 45],
      ['full', 30],
    ] as const);
    const bookedMinutes = pick(random, DURATIONS);
    const coverStartMs = options.fromMs + Math.floor(random() * (options.toMs - options.fromMs));
    const levels = ratingLevels({
      driverAge,
      grade,
      licenceColour: driverAge <= 20 ? 'green' : random() < 0.45 ? 'gold' : random() < 0.15 ? 'green' : 'blue',
      vehicleCategory: pick(random, [
        ['small', 50],
        ['kei', 30],
        ['ordinary', 20],
      ] as const),
      vehicleAgeMonths: Math.floor(random() * 140),
      valueYen: random() < 0.2 ? null : Math.round(500_000 + random() ** 2 * 9_500_000),
      plan,
      coverStartMs,
      bookedMinutes,
      partnerId: pick(random, [
        ['alpha', 60],
        ['beta', 25],
        ['gamma', 15],
      ] as const),
      region: null,
    });
    const interval: ExperienceInterval = { policyId: `sim-${options.seed}-${i}`, coverStartMs, exposureDays: bookedMinutes / 1440, plan, levels, drivingScore: null, claims: {} };
    for (const coverage of CLAIM_COVERAGES) {
      if (!PLAN_CLAIM_COVERAGES[plan]?.includes(coverage)) continue;
      const count = poisson(random, interval.exposureDays * trueFrequencyPerDay(truth, coverage, interval));
      if (count === 0) continue;
      const mean = trueSeverity(truth, coverage, interval);
      let incurredYen = 0;
      for (let k = 0; k < count; k++) incurredYen += Math.round(gamma(random, truth.severityShape, mean / truth.severityShape));
      interval.claims[coverage] = { count, incurredYen } satisfies CoverageExperience;
    }
    book.push(interval);
  }
  return book;
}
