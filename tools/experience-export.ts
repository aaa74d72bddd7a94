/**
 * `npm run experience:export -- --from 2027-01-01 --to 2028-01-01 --format parquet|csv [--out dir]`:
 * writes the experience data set of the period (DATABASE_URL) for an actuary's own tools: one
 * row per covered interval with its raw rating inputs, the calibration's bands and its claims per
 * coverage (experience-intervals.*), and the claims' reserve development
 * (experience-claim-development.*). Read-only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExperienceRepository, SqlDatabase } from '@kuruma/data-access-db';
import { EXPERIENCE_EXPORT_COLUMNS, experienceExportRows, experienceIntervalsOf } from '@kuruma/domain-calibration';
import { reserveShares } from '@kuruma/domain-claims';
import { parsePeriodArgs } from './calibration/period-args';
import { writeTable } from './calibration/table-writer';
import { loadDatabaseUrl } from './tool-config';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'parquet' }, out: { type: 'string', default: 'experience' } } });
  const period = parsePeriodArgs(values);
  if (values.format !== 'parquet' && values.format !== 'csv') throw new Error('--format: must be parquet or csv');
  const format = values.format;
  const db = new SqlDatabase({ url: loadDatabaseUrl(), poolSize: 1, applicationName: 'experience-export' });
  const log = (msg: string, extra: object = {}) => console.error(JSON.stringify({ level: 'info', msg, ...extra }));
  try {
    const repository = new ExperienceRepository(db);
    log('reading covered intervals');
    const rows = await repository.intervals(period.from, period.to);
    log('reading claims', { intervals: rows.length });
    const claims = await repository.claims(period.from, period.to);
    const development = await repository.development(period.from, period.to);
    const intervals = experienceIntervalsOf(rows, claims, reserveShares);
    mkdirSync(values.out, { recursive: true });
    const written = [
      writeTable(join(values.out, `experience-intervals.${format}`), format, EXPERIENCE_EXPORT_COLUMNS, experienceExportRows(rows, intervals)),
      writeTable(
        join(values.out, `experience-claim-development.${format}`),
        format,
        [
          { name: 'claim_id', type: 'STRING', meaning: 'claim' },
          { name: 'rule', type: 'STRING', meaning: 'ledger posting rule (claim-reserve-opened, -released, claim-settled)' },
          { name: 'business_at', type: 'TIMESTAMP', meaning: 'when the movement happened' },
          { name: 'occurred_at', type: 'TIMESTAMP', meaning: 'loss date' },
          { name: 'development_days', type: 'INT32', meaning: 'days from loss to movement' },
          { name: 'incurred_movement_yen', type: 'DOUBLE', meaning: 'change of incurred (yen)' },
          { name: 'reserve_movement_yen', type: 'DOUBLE', meaning: 'change of the case reserve (yen)' },
        ],
        development.map((d) => ({
          claim_id: d.claimId,
          rule: d.rule,
          business_at: d.businessAt,
          occurred_at: d.occurredAt,
          development_days: d.developmentDays,
          incurred_movement_yen: d.incurredMovementYen,
          reserve_movement_yen: d.reserveMovementYen,
        })),
      ),
    ];
    console.log(JSON.stringify({ written, intervals: rows.length, claims: claims.length, developmentRows: development.length }));
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: (error as Error).message }));
  process.exitCode = 1;
});
