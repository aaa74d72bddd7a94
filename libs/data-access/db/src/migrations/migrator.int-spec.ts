import { resolve } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, pendingMigrations } from './migrator';

/** A database of this test's own next to the run's (TEST_DATABASE_URL), created empty and dropped after. */
const base = new URL(process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test');
const sut = new URL(base);
sut.pathname = `${base.pathname}_pending_migrations`;
const MIGRATIONS = resolve(__dirname, '../../../../../prisma/migrations');
const admin = async <T>(work: (c: Client) => Promise<T>): Promise<T> => {
  const url = new URL(base);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};
const database = sut.pathname.slice(1);

/** What `kuruma migrate --wait` (the Kubernetes pods' init container) waits on. */
describe(pendingMigrations.name, () => {
  afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)));

  it('lists every migration while none is applied, and none once `migrate` has run', async () => {
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${database}"`);
    });
    const before = await pendingMigrations(sut.toString(), MIGRATIONS);
    expect(before.length).toBeGreaterThan(5);
    expect(before).toEqual([...before].sort());

    await migrate(sut.toString(), MIGRATIONS);

    expect(await pendingMigrations(sut.toString(), MIGRATIONS)).toEqual([]);
  });
});
