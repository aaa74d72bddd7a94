import { quoteRequestV1Schema } from '@kuruma/contracts';
import { computePremium } from '../price-quote';
import type { Tariff } from '../tariff-registry';
import type { RateLevelLine } from './rate-level-check';

/** A policy as the policy table stores it: what it was charged, under which version, for what. */
export interface StoredPolicyPremium {
  plan: string;
  premiumYen: number;
  refundYen: number;
  tariffVersion: string;
  /** The quote request as stored (JSON); validated here, since the tool reads it from a table. */
  request: unknown;
  coverStart: Date;
  coverEnd: Date;
}

/**
 * Stored premiums (net of refunds) against what `indicated` (the tariff carrying the indicated
 * base) charges for the minutes actually covered, per bound tariff id and plan. A row whose
 * request no longer parses is counted, not priced: a report must not stop on one bad row.
 */
export function storedAgainstIndicated(policies: Iterable<StoredPolicyPremium>, indicated: Tariff, onEach: () => void = () => undefined): { lines: RateLevelLine[]; skipped: number } {
  const groups = new Map<string, RateLevelLine>();
  let skipped = 0;
  for (const policy of policies) {
    onEach();
    const parsed = quoteRequestV1Schema.safeParse(policy.request);
    if (!parsed.success || !(policy.coverEnd.getTime() > policy.coverStart.getTime())) {
      skipped++;
      continue;
    }
    const key = `${policy.tariffVersion.split('@')[0]} ${policy.plan}`;
    const line = groups.get(key) ?? { key, bookings: 0, indicated: 0, charged: 0 };
    line.bookings++;
    line.indicated += computePremium(parsed.data, indicated, policy.coverStart, policy.coverEnd, { omitSources: true }).premium;
    line.charged += policy.premiumYen - policy.refundYen;
    groups.set(key, line);
  }
  return { lines: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)), skipped };
}
