/**
 * `npm run calibration:recovery -- [--trips 250000] [--seed 21] [--out docs/pricing-calibration]`:
 * the full recovery proof of docs/pricing-calibration.md. Simulates a book from the known truth
 * (libs/domain/calibration experience-simulator.ts), calibrates it from the filed relativities of
 * kc-carshare-2027-01-r2, and prints how many true relativities fall inside their 95% intervals,
 * the overall rate level against the truth and the hold-out Gini; writes the charts as SVG.
 * Needs no database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calibrationReport, runCalibration, SIMULATION_TRUTH, simulateExperience, trueExpectedLoss, trueRelativity } from '@kuruma/domain-calibration';
import { CALIBRATION_MOVE_CAP, tariffs } from '@kuruma/domain-rating';
import { filedRelativityOf } from './calibration/filed-relativity';

const { values } = parseArgs({ options: { trips: { type: 'string', default: '250000' }, seed: { type: 'string', default: '21' }, out: { type: 'string', default: 'docs/pricing-calibration' } } });
const trips = Number(values.trips);
const seed = Number(values.seed);
if (!Number.isInteger(trips) || trips < 1000 || trips > 2_000_000) throw new Error('--trips: an integer from 1,000 to 2,000,000');
if (!Number.isInteger(seed)) throw new Error('--seed: an integer');

const log = (msg: string, extra: object = {}) => console.error(JSON.stringify({ level: 'info', msg, ...extra }));
const from = Date.parse('2027-01-01T00:00:00+09:00');
const holdOut = Date.parse('2027-11-01T00:00:00+09:00');
const to = Date.parse('2028-01-01T00:00:00+09:00');
const filedTariff = tariffs.byVersion(tariffs.inForceAt(new Date(from))?.version ?? '');
const started = Date.now();
log('simulating', { trips, seed, filed: filedTariff.version });
const experience = simulateExperience({ trips, seed, fromMs: from, toMs: to });
log('fitting', { elapsedMs: Date.now() - started });
const run = runCalibration(experience, { holdOutFromMs: holdOut, filed: filedRelativityOf(filedTariff) });
const fittedMs = Date.now() - started;

const levels = run.fits.flatMap((f) =>
  f.levels.flatMap((l) => {
    const truth = trueRelativity(SIMULATION_TRUTH, f.coverage, l.variable, l.level);
    return truth === undefined ? [] : [{ coverage: f.coverage, variable: l.variable, level: l.level, truth, fitted: l.relativity, lower95: l.lower95, upper95: l.upper95, inside: truth >= l.lower95 && truth <= l.upper95 }];
  }),
);
const training = experience.filter((e) => e.coverStartMs < holdOut);
const trueLoss = training.reduce((s, e) => s + run.fits.reduce((t, f) => t + trueExpectedLoss(SIMULATION_TRUTH, f.coverage, e), 0), 0);
const fittedLoss = run.balance.overall * run.training.incurredYen;
const report = calibrationReport(run, {
  runId: `recovery-seed-${seed}`,
  periodFrom: '2027-01-01T00:00:00+09:00',
  periodTo: '2028-01-01T00:00:00+09:00',
  holdOutFrom: '2027-11-01T00:00:00+09:00',
  basedOnVersion: filedTariff.version,
  draftVersion: null,
  moveCap: CALIBRATION_MOVE_CAP,
  moves: [],
  impactBook: 'no book (simulated experience only)',
  impact: [],
  draftVariables: [],
  truth: (coverage, variable, level) => trueRelativity(SIMULATION_TRUTH, coverage as never, variable, level),
});
mkdirSync(values.out, { recursive: true });
for (const [name, svg] of Object.entries(report.charts)) writeFileSync(join(values.out, `${name}.svg`), `${svg}\n`);
const summary = {
  trips,
  seed,
  filed: filedTariff.version,
  training: run.training,
  holdOut: run.holdOut,
  levels: levels.length,
  inside95: levels.filter((l) => l.inside).length,
  share: levels.filter((l) => l.inside).length / levels.length,
  outside: levels.filter((l) => !l.inside),
  rateLevel: { fittedOverTrue: fittedLoss / trueLoss, fittedOverActual: run.balance.overall, actualOverTrue: run.training.incurredYen / trueLoss },
  gini: run.gini,
  fitMs: fittedMs,
  perCoverage: run.fits.map((f) => ({ coverage: f.coverage, rows: f.rows, claims: f.claims, iterations: [f.frequencyIterations, f.severityIterations], severityDispersion: f.severityDispersion })),
  meanIntervalWidth: levels.reduce((s, l) => s + l.upper95 / l.lower95, 0) / levels.length,
};
writeFileSync(join(values.out, 'recovery-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
