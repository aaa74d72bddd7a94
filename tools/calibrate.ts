/**
 * `npm run calibrate -- --from 2027-01-01 --to 2028-01-01 [--hold-out-from ...] [--actor ...] [--out dir]`:
 * fits the experience data set of the period (DATABASE_URL) and drafts the calibrated tariff
 * through the tariff governance (never active: a second actuary approves and schedules it in the
 * console). Writes the report (report.json, report.md with its SVG charts, and each chart) to
 * --out (default calibration/results/<run id>) and records the run in `calibration_run`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqlDatabase } from '@kuruma/data-access-db';
import { calibrateTariff } from './calibration/calibrate-tariff.use-case';
import { parsePeriodArgs } from './calibration/period-args';
import { loadDatabaseUrl } from './tool-config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, 'hold-out-from': { type: 'string' }, actor: { type: 'string' }, out: { type: 'string' } },
  });
  const period = parsePeriodArgs(values);
  const actor = values.actor ?? `calibration:${process.env['USER'] ?? 'cli'}`;
  if (!/^[\w.:@-]{1,64}$/.test(actor)) throw new Error('--actor: letters, digits and . : @ - _ only, at most 64');
  const db = new SqlDatabase({ url: loadDatabaseUrl(), poolSize: 2, applicationName: 'calibrate' });
  const started = Date.now();
  try {
    const result = await calibrateTariff(db, { ...period, actor }, (step) => console.error(JSON.stringify({ level: 'info', msg: step, elapsedMs: Date.now() - started })));
    const out = values.out ?? join('calibration', 'results', result.runId);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.json'), `${JSON.stringify(result.report.json, null, 2)}\n`);
    writeFileSync(join(out, 'report.md'), `${result.report.markdown}\n`);
    for (const [name, svg] of Object.entries(result.report.charts)) writeFileSync(join(out, `${name}.svg`), svg);
    console.log(JSON.stringify({ runId: result.runId, basedOn: result.basedOnVersion, draft: result.draftVersion, gini: result.run.gini, report: out }));
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: (error as Error).message }));
  process.exitCode = 1;
});
