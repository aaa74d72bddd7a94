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

/**
 * What a pricing or policy instance holds from the governed store: every approved version,
 * validated again under this build's schema and checked against its content address, so a row
 * edited behind the database's back is refused rather than priced with.
 */
export function governedTariffSet(stored: readonly StoredTariffVersion[]): GovernedTariffSet {
  const approved = stored.filter((s) => s.record.approvedAt);
  const { inForce } = tariffTimeline(approved.map((s) => s.record));
  const inForceVersions = new Set(inForce.map((r) => r.version));
  const set: GovernedTariffSet = { timeline: [], resolvableOnly: [], refused: [] };
  const onTimeline: { record: TariffVersionRecord; tariff: Tariff }[] = [];
  for (const { record, document } of approved) {
    let tariff: Tariff;
    try {
      tariff = loadTariff(document, record.effectiveFrom ?? undefined);
    } catch (error) {
      set.refused.push({ version: record.version, reason: (error as Error).message });
      continue;
    }
    if (tariff.version !== record.version) {
      set.refused.push({ version: record.version, reason: `content hashes to ${tariff.version}` });
      continue;
    }
    if (inForceVersions.has(record.version)) onTimeline.push({ record, tariff });
    else set.resolvableOnly.push(tariff);
  }
  // A scheduled version whose document names another tariff in `supersedes` takes that tariff's
  // versions off the timeline (they stay resolvable), as the bundled registry does. Claims are
  // honoured latest approval first and a superseded version's own claim is ignored, so two
  // versions naming each other cannot both leave the timeline (the later approval wins).
  const superseded = new Set<string>();
  for (const { tariff } of [...onTimeline].sort((a, b) => (b.record.approvedAt?.getTime() ?? 0) - (a.record.approvedAt?.getTime() ?? 0))) {
    const named = supersededIdOf(tariff);
    if (named !== undefined && !superseded.has(tariff.data.id) && named !== tariff.data.id) superseded.add(named);
  }
  for (const { tariff } of onTimeline) (superseded.has(tariff.data.id) ? set.resolvableOnly : set.timeline).push(tariff);
  return set;
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
