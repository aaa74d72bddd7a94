/**
 * `npm run db:migrate`: applies prisma/migrations to DATABASE_URL without Prisma's native schema
 * engine, recording the same `_prisma_migrations` history as `prisma migrate deploy`.
 *
 * `--wait`: applies nothing; waits (read only) until every migration of this build is applied, up
 * to MIGRATE_WAIT_SECONDS (default 600). The Kubernetes services' init container, so a pod never
 * starts on a schema the migration Job has not brought up yet (infra/k8s, README).
 */
import { resolve } from 'node:path';
import { migrate, pendingMigrations } from '@kuruma/data-access-db';
import { loadDatabaseUrl, loadMigrateWaitSeconds } from './tool-config';

const MIGRATIONS = resolve(__dirname, '../prisma/migrations');

async function applyAll(): Promise<void> {
  const url = loadDatabaseUrl();
  const started = Date.now();
  const result = await migrate(url, MIGRATIONS, (line) => console.log(line));
  console.log(
    `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied ` +
      `(${new URL(url).pathname.slice(1)}, ${Date.now() - started} ms)`,
  );
}

async function waitForAll(): Promise<void> {
  const url = loadDatabaseUrl();
  const deadline = Date.now() + loadMigrateWaitSeconds() * 1000;
  for (;;) {
    const pending = await pendingMigrations(url, MIGRATIONS).catch((error: Error) => [`(database not reachable: ${error.message})`]);
    if (pending.length === 0) return console.log('migrations: all applied');
    if (Date.now() > deadline) throw new Error(`still pending: ${pending.join(', ')}`);
    console.log(`migrations: waiting for ${pending.join(', ')}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

(process.argv.includes('--wait') ? waitForAll() : applyAll()).catch((error: Error) => {
  console.error(`migrate failed: ${error.message}`);
  process.exit(1);
});
