import { type DynamicModule, Module } from '@nestjs/common';
import { SqlDatabase } from '@kuruma/data-access-db';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { SERVICE_CONFIG, SERVICE_KIT } from './tokens';

export interface DatabaseModuleOptions {
  /** Connections of the node-postgres pool (default DATABASE_POOL_SIZE). */
  writerPoolSize?: (config: PlatformConfig) => number;
}

/**
 * Postgres for a service: the node-postgres pool (`SqlDatabase`), health-checked and closed last on
 * shutdown. No service loads Prisma's client: its WebAssembly query compiler kept 50-100 MB
 * resident per process (docs/benchmarks.md, "Quotes and memory"); the tools (seed, migrations,
 * reconcile) still use it.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
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
    return { module: DatabaseModule, global: true, providers: [writer], exports: [SqlDatabase] };
  }
}
