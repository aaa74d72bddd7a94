/**
 * Backup and restore of the system of record (docs/operations.md, "Backup and restore"): a
 * `pg_dump` custom-format archive taken from one snapshot, so the policies, claims, ledger, outbox
 * and inbox in it are consistent with each other, and its restore into an empty database. Both
 * report each table as it passes (pg_dump and pg_restore `--verbose`), so a long dump shows how far
 * it is. The client tools must be at least the server's major version: an older pg_dump refuses a
 * newer server, and an older pg_restore cannot read a newer archive.
 */
import { spawn, execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { Client } from 'pg';

export interface TableProgress {
  table: string;
  done: number;
  total: number;
}
type OnTable = (p: TableProgress) => void;

const withClient = async <T>(url: string, work: (c: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: url, application_name: 'db-backup' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** The major version of a client tool (`pg_dump (PostgreSQL) 15.20 (Debian ...)` -> 15). */
export function clientMajor(tool: 'pg_dump' | 'pg_restore'): number {
  const out = execFileSync(tool, ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(out);
  if (!match) throw new Error(`cannot read the version of ${tool}: ${out.trim()}`);
  return Number(match[1]);
}

async function assertToolFits(tool: 'pg_dump' | 'pg_restore', url: string): Promise<void> {
  const server = await withClient(url, async (c) => Math.floor(Number((await c.query<{ v: string }>('SHOW server_version_num')).rows[0].v) / 10_000));
  const client = clientMajor(tool);
  if (client < server) throw new Error(`${tool} ${client} is older than the server (PostgreSQL ${server}): install the client tools of ${server} or later`);
}

/** Runs a tool with --verbose, passing each line of its log to `onLine`; on failure, rejects with its error lines. */
function run(tool: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['--verbose', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log: string[] = [];
    let pending = '';
    const take = (line: string) => {
      log.push(line);
      onLine(line);
    };
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) take(pending);
      if (code === 0) return resolve();
      const errors = log.filter((l) => /error:|FATAL|DETAIL/.test(l));
      reject(new Error(`${tool} exited with ${code}: ${(errors.length ? errors : log.slice(-5)).join('\n')}`));
    });
  });
}

/** A table-data line of pg_dump or pg_restore --verbose, and the table it names. */
const TABLE_LINE = /^pg_(?:dump: dumping contents|restore: processing data) (?:of|for) table "([^"]+)"/;

function progressOn(total: number, onTable?: OnTable): (line: string) => void {
  let done = 0;
  return (line) => {
    const table = TABLE_LINE.exec(line)?.[1];
    if (table) onTable?.({ table, done: ++done, total });
  };
}

/** Dumps `url` to `file` (custom format, compressed) from one snapshot of the database. */
export async function backupDatabase(url: string, file: string, onTable?: OnTable): Promise<{ tables: number; bytes: number }> {
  await assertToolFits('pg_dump', url);
  const total = await withClient(url, async (c) =>
    Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_class k JOIN pg_namespace s ON s.oid = k.relnamespace
       WHERE k.relkind = 'r' AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg_toast%'`)).rows[0].n),
  );
  await run('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${url}`], progressOn(total, onTable));
  return { tables: total, bytes: statSync(file).size };
}

/** The tables whose rows an archive holds (its `TABLE DATA` entries). */
export function archiveTables(file: string): string[] {
  const list = execFileSync('pg_restore', ['--list', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return list.split('\n').flatMap((line) => {
    const m = /^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /.exec(line);
    return m ? [`${m[1]}.${m[2]}`] : [];
  });
}

/** Creates the database `url` names (connecting to `postgres` on the same server); fails if it exists. */
export async function createEmptyDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  await withClient(target.toString(), (c) => c.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`));
}

/**
 * Restores `file` into the database `url` names, which must hold no tables: restoring over a live
 * database would mix two histories. One transaction, so a failed restore leaves it empty. Owners and
 * grants are restored as dumped (the migrator's role owns the schema, the services' role has DML on
 * it), so those roles must exist on the target server first (docs/operations.md).
 */
export async function restoreDatabase(file: string, url: string, onTable?: OnTable): Promise<{ tables: number }> {
  await assertToolFits('pg_restore', url);
  const existing = await withClient(url, async (c) =>
    (await c.query<{ t: string }>(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') LIMIT 3`)).rows.map((r) => r.t),
  );
  if (existing.length) throw new Error(`the target database is not empty (${existing.join(', ')}, ...): restore into a new database`);
  const total = archiveTables(file).length;
  await run('pg_restore', ['--single-transaction', '--exit-on-error', `--dbname=${url}`, file], progressOn(total, onTable));
  await analyzeRestored(url);
  return { tables: total };
}

/**
 * pg_restore leaves the planner no statistics (pg_restore's documentation: ANALYZE after a
 * restore). The services run their statements as prepared statements whose generic plan is made
 * once per connection from the statistics of that moment, so a service started on an unanalysed
 * copy could keep plans made for empty tables (a scan of every claim per crash alert, measured in
 * docs/benchmarks.md) until autovacuum's first ANALYZE of each table.
 */
async function analyzeRestored(url: string): Promise<void> {
  await withClient(url, (c) => c.query('ANALYZE'));
}

/** Exact row counts of every table, for comparing a restore with its source. */
export async function tableRowCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const tables = (await c.query<{ t: string }>(`SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)).rows.map((r) => r.t);
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    return counts;
  });
}
