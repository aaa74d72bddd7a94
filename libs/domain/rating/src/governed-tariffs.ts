import type { ActiveTariffV1 } from '@kuruma/contracts';
import { toJapanTime } from './price-quote';
import { tariffTimeline, type TariffVersionRecord } from './tariff-lifecycle';
import { loadTariff, supersededIdOf, type Tariff, type TariffRegistry } from './tariff-registry';

/** One version as the governed store holds it: its lifecycle facts and its document. */
export interface StoredTariffVersion {
  record: TariffVersionRecord;
  document: unknown;
}

export interface GovernedTariffSet {
  /** In force from their scheduled instants (superseded versions left out): the registry's timeline. */
  timeline: Tariff[];
  /** Approved but not (or no longer) in the timeline: resolvable by version for the policies bound under them. */
  resolvableOnly: Tariff[];
  /** Stored versions that could not be loaded (invalid under this build's schema, or content not matching its version). */
  refused: { version: string; reason: string }[];
}

/** Stored versions loaded and checked against their content address; the others with the reason. */
function loadStored(stored: readonly StoredTariffVersion[]): { loaded: { record: TariffVersionRecord; tariff: Tariff }[]; refused: GovernedTariffSet['refused'] } {
  const loaded: { record: TariffVersionRecord; tariff: Tariff }[] = [];
  const refused: GovernedTariffSet['refused'] = [];
  for (const { record, document } of stored) {
    try {
      const tariff = loadTariff(document, record.effectiveFrom ?? undefined);
      if (tariff.version === record.version) loaded.push({ record, tariff });
      else refused.push({ version: record.version, reason: `content hashes to ${tariff.version}` });
    } catch (error) {
      refused.push({ version: record.version, reason: (error as Error).message });
    }
  }
  return { loaded, refused };
}

/**
 * Tariffs that a scheduled version's document names in `supersedes` (tariff id -> the version
 * naming it): they leave the timeline and stay resolvable, as in the bundled registry. Claims are
 * honoured latest approval first and a superseded version's own claim is ignored, so two versions
 * naming each other cannot both leave the timeline (the later approval wins).
 */
function supersessions(loaded: readonly { record: TariffVersionRecord; tariff: Tariff }[]): Map<string, string> {
  const by = new Map<string, string>();
  const scheduled = loaded.filter((l) => l.record.approvedAt && l.record.effectiveFrom);
  for (const { record, tariff } of scheduled.sort((a, b) => (b.record.approvedAt?.getTime() ?? 0) - (a.record.approvedAt?.getTime() ?? 0))) {
    const named = supersededIdOf(tariff);
    if (named !== undefined && named !== tariff.data.id && !by.has(tariff.data.id) && !by.has(named)) by.set(named, record.version);
  }
  return by;
}

/** {@link supersessions} of stored versions, for the console's lifecycle view. */
export function governedSupersessions(stored: readonly StoredTariffVersion[]): Map<string, string> {
  return supersessions(loadStored(stored.filter((s) => s.record.approvedAt)).loaded);
}

/**
 * What a pricing or policy instance holds from the governed store: every approved version,
 * validated again under this build's schema and checked against its content address, so a row
 * edited behind the database's back is refused rather than priced with.
 */
export function governedTariffSet(stored: readonly StoredTariffVersion[]): GovernedTariffSet {
  const { loaded, refused } = loadStored(stored.filter((s) => s.record.approvedAt));
  const { inForce } = tariffTimeline(
    loaded.map((l) => l.record),
    supersessions(loaded),
  );
  const inForceVersions = new Set(inForce.map((r) => r.version));
  return {
    timeline: loaded.filter((l) => inForceVersions.has(l.record.version)).map((l) => l.tariff),
    resolvableOnly: loaded.filter((l) => !inForceVersions.has(l.record.version)).map((l) => l.tariff),
    refused,
  };
}

/** The public part of a tariff (see {@link ActiveTariffV1}), with the next change if one is scheduled. */
export function publicTariffOf(tariff: Tariff, next?: Tariff): ActiveTariffV1 {
  const d = tariff.data;
  return {
    tariffVersion: tariff.version,
    tariffId: d.id,
    effectiveFrom: toJapanTime(tariff.effectiveFrom),
    ...(next ? { next: { tariffVersion: next.version, effectiveFrom: toJapanTime(next.effectiveFrom) } } : {}),
    currency: d.currency,
    plans: Object.entries(d.plans).map(([plan, p]) => ({ plan, label: p.label, coverages: [...p.coverages], deductibleYen: p.deductibleYen })),
    billing: {
      stepMinutes: d.exposure.stepMinutes,
      minimumMinutes: d.exposure.minimumMinutes,
      maximumMinutes: d.exposure.maximumMinutes,
      minimumPremiumYen: d.loadings.minimumPremiumYen,
      policyFeeYen: d.loadings.policyFeeYen,
    },
    refunds: {
      earlyEnd: { ...d.refunds.earlyEnd },
      cancellationBeforeStart: d.refunds.cancellationBeforeStart,
      noShow: { ...d.refunds.noShow },
      lateReturn: { ...d.refunds.lateReturn },
    },
  };
}


/** The public part of the version in force at `now` and the next scheduled change, or undefined before the first version. */
export function activePublicTariff(registry: TariffRegistry, now: Date): ActiveTariffV1 | undefined {
  const active = registry.inForceAt(now);
  if (!active) return undefined;
  return publicTariffOf(active, registry.timeline().find((t) => t.effectiveFrom.getTime() > now.getTime()));
}
