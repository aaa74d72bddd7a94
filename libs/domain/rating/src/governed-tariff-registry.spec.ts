import { describe, expect, it } from 'vitest';
import { governedSupersessions, governedTariffSet, type StoredTariffVersion } from './governed-tariffs';
import { approveTariffVersion, draftTariffVersion, scheduleTariffVersion, tariffLifecycleAt } from './tariff-lifecycle';
import { loadTariff, shippedTariffDocuments, TariffRegistry, tariffs } from './tariff-registry';

/**
 * The shipped files' content addresses. Policies are bound under these versions: a file edited
 * in place gets a new version (seeded as a new approved version that supersedes the old one for
 * new cover), and the old content stays in Postgres for the policies bound under it. Update a
 * pin only together with that decision.
 */
const PINNED = ['kc-carshare-2026-10@dca2c099d01e', 'kc-carshare-2026-12@13e0865ad8ab', 'kc-carshare-2027-01@59f462225bc7', 'kc-carshare-2027-01-r2@da6d97da7029'];

const bundled = (i: number) => loadTariff(shippedTariffDocuments[i]);

function stored(document: unknown, approvedMin: number, effectiveFrom: Date | null): StoredTariffVersion {
  const t = loadTariff(document);
  const approved = approveTariffVersion(draftTariffVersion(t.version, t.data.id, 'alice', new Date(0)), { username: 'bob', actuary: true }, new Date(approvedMin * 60_000));
  return { record: effectiveFrom ? scheduleTariffVersion(approved, 'bob', effectiveFrom, new Date(effectiveFrom.getTime() - 86_400_000)) : approved, document };
}

describe(`${TariffRegistry.name} with governed versions`, () => {
  it('ships the pinned versions', () => {
    expect(shippedTariffDocuments.map((d) => loadTariff(d).version)).toEqual(PINNED);
    expect(new Set(tariffs.all().map((t) => t.version))).toEqual(new Set(PINNED));
  });

  it('prices new cover with the superseding version and still resolves the superseded one by its version', () => {
    const original = shippedTariffDocuments[0] as { effectiveFrom: string };
    const corrected = { ...(shippedTariffDocuments[0] as object), note: 'corrected' };
    const from = new Date(original.effectiveFrom);
    const set = governedTariffSet([stored(original, 1, from), stored(corrected, 2, from)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.inForceAt(new Date(from.getTime() + 1))?.data.note).toBe('corrected');
    expect(sut.byVersion(bundled(0).version).data.note).not.toBe('corrected');
  });

  it('applies a version from its scheduled instant, not the instant written in its document', () => {
    const scheduledFor = new Date('2027-02-01T00:00:00+09:00');
    const set = governedTariffSet([stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00')), stored(shippedTariffDocuments[2], 2, scheduledFor)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.inForceAt(new Date(scheduledFor.getTime() - 1))?.version).toBe(bundled(0).version);
    expect(sut.inForceAt(scheduledFor)?.version).toBe(bundled(2).version);
  });

  it('keeps approved but unscheduled versions out of pricing, resolvable by version only', () => {
    const set = governedTariffSet([stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00')), stored(shippedTariffDocuments[1], 2, null)]);
    const sut = new TariffRegistry([]);
    sut.replace(set.timeline, set.resolvableOnly);
    expect(sut.timeline().map((t) => t.version)).toEqual([bundled(0).version]);
    expect(sut.all().map((t) => t.version)).toEqual([bundled(0).version, bundled(1).version]);
    expect(sut.byVersion(bundled(1).version).version).toBe(bundled(1).version);
  });

  it('refuses a stored row whose content does not match its version', () => {
    const row = stored(shippedTariffDocuments[0], 1, new Date('2026-10-01T00:00:00+09:00'));
    const tampered = { ...row, document: { ...(row.document as object), note: 'edited behind the database' } };
    const sut = governedTariffSet([tampered]);
    expect(sut.timeline).toHaveLength(0);
    expect(sut.refused[0]?.version).toBe(bundled(0).version);
  });

  it('refuses a version whose hash no longer matches', () => {
    expect(() => tariffs.byVersion('kc-carshare-2026-10@ffffffffffff')).toThrow(/has changed since it was used/);
    expect(bundled(0).version).toBe(bundled(0).version);
  });
});

describe('supersedes named in a document', () => {
  const launch = shippedTariffDocuments[0] as { id: string; effectiveFrom: string };
  const replacement = { ...launch, id: 'kc-carshare-replacement', supersedes: launch.id };

  it('takes the named tariff off the timeline of the bundled registry, leaving it resolvable', () => {
    const sut = new TariffRegistry([launch, replacement]);
    expect(sut.inForceAt(new Date(launch.effectiveFrom))?.data.id).toBe('kc-carshare-replacement');
    expect(sut.byVersion(launch.id).data.id).toBe(launch.id);
    expect(sut.all()).toHaveLength(2);
  });

  it('refuses an unknown target, a replacement starting after its target, and a cycle', () => {
    expect(() => new TariffRegistry([{ ...launch, supersedes: 'kc-nope', id: 'kc-x' }])).toThrow(/supersedes unknown tariff kc-nope/);
    expect(() => new TariffRegistry([launch, { ...replacement, effectiveFrom: '2030-01-01T00:00:00+09:00' }])).toThrow(/takes effect after/);
    expect(() => new TariffRegistry([{ ...launch, supersedes: 'kc-carshare-replacement' }, replacement])).toThrow(/supersede each other/);
  });

  it('does the same for governed versions once the replacement is scheduled', () => {
    const from = new Date(launch.effectiveFrom);
    const set = governedTariffSet([stored(launch, 1, from), stored(replacement, 2, new Date(from.getTime() - 60_000))]);
    expect(set.timeline.map((t) => t.data.id)).toEqual(['kc-carshare-replacement']);
    expect(set.resolvableOnly.map((t) => t.data.id)).toEqual([launch.id]);
  });

  it('lets a replacement naming its target win at the same instant even when both were approved at once (as the seed approves shipped files)', () => {
    const from = new Date(launch.effectiveFrom);
    // The target's version string sorts after the replacement's: the tie-break alone would pick it.
    const replacementR2 = { ...launch, id: `${launch.id}-r2`, supersedes: launch.id };
    const set = governedTariffSet([stored(launch, 1, from), stored(replacementR2, 1, from)]);
    expect(set.timeline.map((t) => t.data.id)).toEqual([`${launch.id}-r2`]);
    const views = tariffLifecycleAt([stored(launch, 1, from).record, stored(replacementR2, 1, from).record], from, governedSupersessions([stored(launch, 1, from), stored(replacementR2, 1, from)]));
    expect(views.get(loadTariff(launch).version)).toMatchObject({ state: 'retired', retiredReason: 'superseded' });
  });

  it('lets the later-approved of two governed versions naming each other win, so the period keeps a version', () => {
    const from = new Date(launch.effectiveFrom);
    const a = { ...launch, id: 'kc-a', supersedes: 'kc-b' };
    const b = { ...launch, id: 'kc-b', supersedes: 'kc-a' };
    const set = governedTariffSet([stored(a, 1, from), stored(b, 2, new Date(from.getTime() + 60_000))]);
    expect(set.timeline.map((t) => t.data.id)).toEqual(['kc-b']);
  });
});
