import { describe, expect, it } from 'vitest';
import { governedTariffSet, type StoredTariffVersion } from './governed-tariffs';
import { approveTariffVersion, draftTariffVersion, scheduleTariffVersion } from './tariff-lifecycle';
import { loadTariff, shippedTariffDocuments, TariffRegistry, tariffs } from './tariff-registry';

/**
 * The shipped files' content addresses. Policies are bound under these versions: a file edited
 * in place gets a new version (seeded as a new approved version that supersedes the old one for
 * new cover), and the old content stays in Postgres for the policies bound under it. Update a
 * pin only together with that decision.
 */
const PINNED = ['kc-carshare-2026-10@dca2c099d01e', 'kc-carshare-2026-12@08dd8d21899a', 'kc-carshare-2027-01@59f462225bc7'];

const bundled = (i: number) => loadTariff(shippedTariffDocuments[i]);

function stored(document: unknown, approvedMin: number, effectiveFrom: Date | null): StoredTariffVersion {
  const t = loadTariff(document);
  const approved = approveTariffVersion(draftTariffVersion(t.version, t.data.id, 'alice', new Date(0)), { username: 'bob', actuary: true }, new Date(approvedMin * 60_000));
  return { record: effectiveFrom ? scheduleTariffVersion(approved, 'bob', effectiveFrom, new Date(0)) : approved, document };
}

describe(TariffRegistry.name, () => {
  it('ships the pinned versions', () => {
    expect(tariffs.all().map((t) => t.version)).toEqual(PINNED);
  });

  it('prices new cover with the superseding version and still resolves the superseded one by its version', () => {
    const original = shippedTariffDocuments[0] as { effectiveFrom: string };
    const corrected = { ...(shippedTariffDocuments[0] as object), note: 'corrected' };
    const from = new Date(original.effectiveFrom);
    const set = governedTariffSet([stored(original, 1, from), stored(corrected, 2, from)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.inForceAt(new Date(from.getTime() + 1))?.data.note).toBe('corrected');
    expect(sut.byVersion(PINNED[0]).data.note).not.toBe('corrected');
  });

  it('applies a version from its scheduled instant, not the instant written in its document', () => {
    const scheduledFor = new Date('2027-02-01T00:00:00+09:00');
    const set = governedTariffSet([stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00')), stored(shippedTariffDocuments[2], 2, scheduledFor)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.inForceAt(new Date(scheduledFor.getTime() - 1))?.version).toBe(PINNED[0]);
    expect(sut.inForceAt(scheduledFor)?.version).toBe(PINNED[2]);
  });

  it('keeps approved but unscheduled versions out of pricing, resolvable by version only', () => {
    const set = governedTariffSet([stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00')), stored(shippedTariffDocuments[1], 2, null)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.all().map((t) => t.version)).toEqual([PINNED[0]]);
    expect(sut.byVersion(PINNED[1]).version).toBe(PINNED[1]);
  });

  it('refuses a stored row whose content does not match its version', () => {
    const row = stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00'));
    const tampered = { ...row, document: { ...(row.document as object), note: 'edited behind the database' } };
    const sut = governedTariffSet([tampered]);
    expect(sut.timeline).toHaveLength(0);
    expect(sut.refused[0]?.version).toBe(PINNED[0]);
  });

  it('refuses a version whose hash no longer matches', () => {
    expect(() => tariffs.byVersion('kc-carshare-2026-10@ffffffffffff')).toThrow(/has changed since it was used/);
    expect(bundled(0).version).toBe(PINNED[0]);
  });
});
