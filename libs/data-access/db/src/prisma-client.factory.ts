import type { PrismaClient } from './generated/prisma/client';
import type { SqlTx } from './sql/sql-database';

export type Database = PrismaClient;
/** What repositories need of a transaction: raw SQL, from Prisma or from {@link SqlDatabase}. */
export type DatabaseTx = SqlTx;

export interface DatabaseOptions {
  url: string;
  /** Pool size per process; small by default because every service shares one Postgres. */
  poolSize?: number;
  /** Which service is connected, shown in pg_stat_activity for operators. */
  applicationName?: string;
}

/**
 * Prisma 7's TypeScript client over node-postgres: no native query engine needed at runtime. Only
 * the seed and tests use it (the services run on {@link SqlDatabase}), so it is imported when first
 * asked for: loaded at start it cost every service about 18 MB of resident memory.
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-pg'), import('./generated/prisma/client')]);
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    // Fail fast instead of hanging a Kafka batch when Postgres is away; the batch is retried.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}
