import { afterAll, describe, expect, it } from 'vitest';
import {
  approveTariffVersion,
  draftTariffVersion,
  governedTariffSet,
  parseTariffDocument,
  scheduleTariffVersion,
  shippedTariffDocuments,
  TariffLifecycleError,
  TariffRegistry,
  tariffs,
} from '@kuruma/domain-rating';
import { SqlDatabase } from '../sql/sql-database';
import { TariffChangeListener } from './tariff-change.listener';
import { SHIPPED_TARIFF_AUTHOR, TariffVersionRepository } from './tariff-version.repository';

/** The database the int tier's global setup migrates and seeds for this run (test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/** A document no other test drafts: the launch tariff with a note unique to this run. */
function uniqueDocument(note: string): string {
  return JSON.stringify({ ...(shippedTariffDocuments[0] as object), note: `${note} ${Date.now()} ${Math.random()}` });
}
const bob = { username: 'bob', actuary: true };

async function refusedBy(work: Promise<unknown>): Promise<string> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  if (error instanceof TariffLifecycleError) return error.code;
  return (error as Error | undefined)?.message ?? 'not refused';
}

describe(`${TariffVersionRepository.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const sut = new TariffVersionRepository(db);
  afterAll(() => db.end());

  it('holds the shipped files as approved versions from their own instants, seeded once however often the seed runs', async () => {
    await sut.seedShipped(shippedTariffDocuments, new Date());
    expect(await sut.seedShipped(shippedTariffDocuments, new Date())).toEqual([]);
    const set = governedTariffSet(await sut.approved());
    expect(set.refused).toEqual([]);
    for (const doc of shippedTariffDocuments) {
      const { tariff } = parseTariffDocument(JSON.stringify(doc));
      const stored = set.timeline.find((t) => t.version === tariff.version) ?? set.resolvableOnly.find((t) => t.version === tariff.version);
      expect(stored?.effectiveFrom).toEqual(tariff.effectiveFrom);
    }
  });

  it('prices every shipped instant with the same version from Postgres as the bundled registry does (supersedes included)', async () => {
    await sut.seedShipped(shippedTariffDocuments, new Date());
    const governed = new TariffRegistry([]);
    const set = governedTariffSet((await sut.approved()).filter((s) => s.record.draftedBy === SHIPPED_TARIFF_AUTHOR));
    governed.replace(set.timeline, set.resolvableOnly);
    for (const t of tariffs.all()) expect(governed.inForceAt(t.effectiveFrom)?.version).toBe(tariffs.inForceAt(t.effectiveFrom)?.version);
  });

  it('seeds an edited shipped file as a new version that takes over from the same instant, the old one staying resolvable', async () => {
    await sut.seedShipped(shippedTariffDocuments, new Date());
    const original = parseTariffDocument(JSON.stringify(shippedTariffDocuments[0])).tariff;
    // Figures unchanged (only the note), so the rest of this run's tests price the same.
    const edited = { ...(shippedTariffDocuments[0] as object), note: `edited in place ${Date.now()}` };
    const [added] = await sut.seedShipped([edited], new Date(Date.now() + 1_000));
    const set = governedTariffSet(await sut.approved());
    const inForce = set.timeline.filter((t) => t.effectiveFrom.getTime() === original.effectiveFrom.getTime()).map((t) => t.version);
    expect(inForce).toEqual([added]);
    expect(set.resolvableOnly.map((t) => t.version)).toContain(original.version);
  });

  it('names a draft by its content: the same document drafted again is the same version, with its first author', async () => {
    const { tariff, canonical } = parseTariffDocument(uniqueDocument('same twice'));
    const first = await sut.draft(draftTariffVersion(tariff.version, tariff.data.id, 'alice', new Date()), canonical);
    const again = await sut.draft(draftTariffVersion(tariff.version, tariff.data.id, 'mallory', new Date()), canonical);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.record.draftedBy).toBe('alice');
  });

  it('lets exactly one of two racing approvals through', async () => {
    const { tariff, canonical } = parseTariffDocument(uniqueDocument('race'));
    await sut.draft(draftTariffVersion(tariff.version, tariff.data.id, 'alice', new Date()), canonical);
    const approveAs = (username: string) => sut.transition(tariff.version, (r) => approveTariffVersion(r, { username, actuary: true }, new Date()));
    const outcomes = await Promise.allSettled([approveAs('bob'), approveAs('carol')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => ((o as PromiseRejectedResult).reason as TariffLifecycleError).code)).toEqual(['already-approved']);
  });

  it('refuses in the database what the domain refuses: the author approving, content edits, rewriting a schedule, deletes', async () => {
    const { tariff, canonical } = parseTariffDocument(uniqueDocument('db rules'));
    await sut.draft(draftTariffVersion(tariff.version, tariff.data.id, 'alice', new Date()), canonical);
    const v = tariff.version;
    expect(await refusedBy(db.$executeRaw`UPDATE tariff_version SET approved_by = 'alice', approved_at = now() WHERE version = ${v}`)).toMatch(/tariff_version_four_eyes/);
    expect(await refusedBy(db.$executeRaw`UPDATE tariff_version SET document = '{}' WHERE version = ${v}`)).toMatch(/is immutable/);
    const scheduled = await sut.transition(v, (r) => scheduleTariffVersion(approveTariffVersion(r, bob, new Date()), 'bob', new Date(Date.now() + 3_600_000), new Date()));
    expect(scheduled?.effectiveFrom).toBeInstanceOf(Date);
    expect(await refusedBy(db.$executeRaw`UPDATE tariff_version SET effective_from = now() WHERE version = ${v}`)).toMatch(/already scheduled/);
    expect(await refusedBy(db.$executeRaw`DELETE FROM tariff_version WHERE version = ${v}`)).toMatch(/cannot be deleted/);
    expect(await refusedBy(db.$executeRaw`INSERT INTO tariff_version (version, tariff_id, sha256, document, drafted_by) VALUES ('x@000000000000', 'x', ${'f'.repeat(64)}, '{}', 'a')`)).toMatch(/tariff_version_is_content_address/);
  });

  it('notifies listeners when a version is scheduled', async () => {
    const heard: (string | undefined)[] = [];
    const listener = new TariffChangeListener({ url: TEST_DATABASE_URL, onChange: (version) => heard.push(version) });
    await listener.start();
    try {
      const { tariff, canonical } = parseTariffDocument(uniqueDocument('notify'));
      await sut.draft(draftTariffVersion(tariff.version, tariff.data.id, 'alice', new Date()), canonical);
      await sut.transition(tariff.version, (r) => approveTariffVersion(r, bob, new Date()));
      await expect.poll(() => heard.filter((v) => v === tariff.version).length, { timeout: 10_000 }).toBe(2);
    } finally {
      await listener.stop();
    }
  });
});
