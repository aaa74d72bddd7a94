import { type DynamicModule, Module } from '@nestjs/common';
import { createDatabase, type Database, SqlDatabase } from '@kuruma/data-access-db';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { DATABASE, SERVICE_CONFIG, SERVICE_KIT } from './tokens';

export interface DatabaseModuleOptions {
  /**
   * Connections of the node-postgres pool the write paths use (default DATABASE_POOL_SIZE); the
   * Prisma client beside it serves reads with a quarter of that, at least 2.
   */
  writerPoolSize?: (config: PlatformConfig) => number;
  /** The Prisma client gets the whole DATABASE_POOL_SIZE and no writer pool is opened (read-mostly services). */
  readerOnly?: boolean;
  /**
   * Only the node-postgres pool (`SqlDatabase`), no Prisma client, for services whose queries are
   * all plain SQL: Prisma's client compiles its WebAssembly query compiler when it first runs,
   * which kept 50-100 MB resident per process (docs/benchmarks.md, "Quotes and memory").
   */
  sqlOnly?: boolean;
}

/**
 * Postgres for a service: the Prisma client (`DATABASE`) and, for services that write on a hot
 * path, the node-postgres pool (`SqlDatabase`), or only one of them. Both are health-checked and closed last on shutdown.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    const prisma = {
      provide: DATABASE,
      inject: [SERVICE_CONFIG, SERVICE_KIT],
      useFactory: (config: PlatformConfig, kit: ServiceKit): Database => {
        const poolSize = options.readerOnly ? config.DATABASE_POOL_SIZE : Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 4));
        const db = createDatabase({ url: config.DATABASE_URL, poolSize, applicationName: kit.name });
        kit.health.register({ name: 'postgres', dependency: true, check: async () => void (await db.$queryRaw`SELECT 1`) });
        kit.shutdown.register('postgres', () => db.$disconnect(), 'pools');
        return db;
      },
    };
    const writer = {
      provide: SqlDatabase,
      inject: [SERVICE_CONFIG, SERVICE_KIT],
      useFactory: (config: PlatformConfig, kit: ServiceKit): SqlDatabase => {
        const poolSize = options.writerPoolSize?.(config) ?? config.DATABASE_POOL_SIZE;
        const sql = new SqlDatabase({ url: config.DATABASE_URL, poolSize, applicationName: kit.name, onIdleError: (err) => kit.logger.warn({ err: err.message }, 'idle database connection lost') });
        kit.health.register({ name: 'postgres-writer', dependency: true, check: async () => void (await sql.$queryRaw`SELECT 1`) });
        kit.shutdown.register('postgres-writer', () => sql.end(), 'pools');
        return sql;
      },
    };
    const providers = options.readerOnly ? [prisma] : options.sqlOnly ? [writer] : [prisma, writer];
    return { module: DatabaseModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}
