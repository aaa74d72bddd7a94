/**
 * `npm run db:backup -- --out kuruma.dump`: dumps DATABASE_URL (pg_dump custom format, one snapshot).
 * `npm run db:restore -- --from kuruma.dump [--create]`: restores an archive into DATABASE_URL, which
 * must be empty (`--create` creates it), then checks that no migration of this build is pending and
 * prints each table's rows. What else a restore needs (consumer offsets, the outbox, partners'
 * retries) is in docs/operations.md, "Backup and restore".
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { pendingMigrations } from '@kuruma/data-access-db';
import { backupDatabase, createEmptyDatabase, restoreDatabase, tableRowCounts, type TableProgress } from './harness/pg-backup';
import { loadDatabaseUrl } from './tool-config';

const MIGRATIONS = resolve(__dirname, '../prisma/migrations');
const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** A bar on a terminal; one line per table otherwise (a CI log or `kubectl logs`). */
function progress(label: string): { onTable: (p: TableProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onTable: (p) => console.log(`${label} ${p.done}/${p.total} ${p.table}`), stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} tables | {table}`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    onTable: (p) => {
      if (!started) bar.start(p.total, 0, { table: '' });
      started = true;
      bar.update(p.done, { table: p.table });
    },
    stop: () => started && bar.stop(),
  };
}

async function backup(out: string): Promise<void> {
  const url = loadDatabaseUrl();
  const started = Date.now();
  const bar = progress('dumping');
  const result = await backupDatabase(url, out, bar.onTable).finally(bar.stop);
  console.log(`db:backup: ${databaseName(url)} -> ${out} (${result.tables} tables, ${(result.bytes / 1_048_576).toFixed(1)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function restore(from: string, create: boolean): Promise<void> {
  const url = loadDatabaseUrl();
  const started = Date.now();
  if (create) await createEmptyDatabase(url);
  const bar = progress('restoring');
  const result = await restoreDatabase(from, url, bar.onTable).finally(bar.stop);
  const pending = await pendingMigrations(url, MIGRATIONS);
  const counts = await tableRowCounts(url);
  for (const [table, rows] of Object.entries(counts)) console.log(`  ${table.padEnd(40)} ${rows}`);
  console.log(`db:restore: ${from} -> ${databaseName(url)} (${result.tables} tables, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // An archive from an older build: `npm run db:migrate` brings it up before the services start.
  console.log(pending.length ? `migrations pending (run npm run db:migrate): ${pending.join(', ')}` : 'migrations: none pending');
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, from: { type: 'string' }, create: { type: 'boolean', default: false } },
});
const command = positionals[0];
const work =
  command === 'backup' && values.out ? backup(values.out)
  : command === 'restore' && values.from ? restore(values.from, values.create)
  : Promise.reject(new Error('usage: db-backup backup --out FILE | db-backup restore --from FILE [--create]'));
work.catch((error: Error) => {
  console.error(`db-backup failed: ${error.message}`);
  process.exit(1);
});
