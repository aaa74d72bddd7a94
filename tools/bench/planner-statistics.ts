import { execFileSync } from 'node:child_process';
import { TEST_ENV } from '../harness';

/** Runs one SQL statement on the bench's own database (maintenance between stages). */
export function runOnBenchDatabase(sql: string): void {
  execFileSync('psql', [TEST_ENV['DATABASE_URL'] as string, '-qc', sql]);
}

/**
 * ANALYZE the bench's database before a measured window, as autovacuum has on any database
 * older than its naptime. Why: every service runs its statements as named prepared statements,
 * and after five executions Postgres keeps one generic plan per connection, planned with the
 * statistics of that moment. The bench starts from an empty database, so without this the plans
 * of the FNOL stage were those of an empty `claim` table (a sequential scan of every claim per
 * alert: 1,062-1,121 buffers per alert instead of ~170, docs/benchmarks.md) for the whole stage,
 * a state production leaves at the first autovacuum ANALYZE, which invalidates the cached plans.
 */
export function refreshPlannerStatistics(): void {
  runOnBenchDatabase('ANALYZE');
}
