/**
 * `npm run db:migrate`: applies prisma/migrations to DATABASE_URL without Prisma's native schema
 * engine, recording the same `_prisma_migrations` history as `prisma migrate deploy`.
 */
import { resolve } from 'node:path';
import { migrate } from '@kuruma/data-access-db';
import { loadDatabaseUrl } from './tool-config';

async function main(): Promise<void> {
  const url = loadDatabaseUrl();
  const started = Date.now();
  const result = await migrate(url, resolve(__dirname, '../prisma/migrations'), (line) => console.log(line));
  console.log(
    `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied ` +
      `(${new URL(url).pathname.slice(1)}, ${Date.now() - started} ms)`,
  );
}

main().catch((error: Error) => {
  console.error(`migrate failed: ${error.message}`);
  process.exit(1);
});
