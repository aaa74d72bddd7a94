import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase, TariffVersionRepository } from '@kuruma/data-access-db';
import { approveTariffVersion, draftTariffVersion, parseTariffDocument, scheduleTariffVersion, shippedTariffDocuments, TariffRegistry } from '@kuruma/domain-rating';
import { createLogger } from '../logging/logger';
import { createServiceKit } from '../service-kit.module';
import { GovernedTariffs } from './governed-tariffs.module';

/** The database the int tier's global setup migrates and seeds for this run (test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
/** Nothing listens on port 1: Postgres "briefly down", as a service sees it. */
const POSTGRES_AWAY = 'postgresql://postgres@127.0.0.1:1/kuruma';

describe(`${GovernedTariffs.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const away = new SqlDatabase({ url: POSTGRES_AWAY, poolSize: 1 });
  const store = new TariffVersionRepository(db);
  const kit = createServiceKit('governed-tariffs-test', 'silent', createLogger);
  afterAll(async () => {
    await kit.shutdown.runAll(() => undefined);
    await db.end();
    await away.end();
  });

  it('loads the governed versions, picks up a newly scheduled one on its notification, and keeps the last set while Postgres is away', async () => {
    await store.seedShipped(shippedTariffDocuments, new Date());
    const registry = new TariffRegistry([]);
    const sut = new GovernedTariffs(store, kit, TEST_DATABASE_URL, registry);
    expect((await kit.health.report()).checks.find((c) => c.name === 'tariffs')?.status).toBe('down');
    await sut.onApplicationBootstrap();
    expect((await kit.health.report()).checks.find((c) => c.name === 'tariffs')?.status).toBe('up');
    const shipped = shippedTariffDocuments.map((d) => parseTariffDocument(JSON.stringify(d)).tariff.version);
    for (const version of shipped) expect(registry.byVersion(version).version).toBe(version);

    // A new version, scheduled an hour ahead, reaches the registry without a reload being asked for.
    const { tariff, canonical } = parseTariffDocument(JSON.stringify({ ...(shippedTariffDocuments[0] as object), id: 'kc-carshare-notified', note: `notified ${Date.now()}` }));
    const effectiveFrom = new Date(Date.now() + 3_600_000);
    await store.draft(draftTariffVersion(tariff.version, tariff.data.id, 'alice', new Date()), canonical);
    await store.transition(tariff.version, (r) => scheduleTariffVersion(approveTariffVersion(r, { username: 'bob', actuary: true }, new Date()), 'bob', effectiveFrom, new Date()));
    await expect.poll(() => registry.inForceAt(effectiveFrom)?.version, { timeout: 10_000 }).toBe(tariff.version);

    // Postgres away: the reload fails and the registry keeps pricing with what it had.
    const before = registry.all().map((t) => t.version);
    await new GovernedTariffs(new TariffVersionRepository(away), kit, POSTGRES_AWAY, registry).reload();
    expect(registry.all().map((t) => t.version)).toEqual(before);
  });
});
