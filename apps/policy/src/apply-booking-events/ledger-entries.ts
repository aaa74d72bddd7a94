import { type JournalEntry, type PolicyMoneyEffect, postPolicyEffect } from '@kuruma/domain-ledger';
import type { PolicyEventRecord } from '@kuruma/domain-policy';
import { policyEventId } from './policy-events';

/** The money side of one recorded policy event, or null when it moves no money (declined, cover limit). */
function moneyEffect(record: PolicyEventRecord, businessAt: Date): PolicyMoneyEffect | null {
  const p = record.policy;
  const context = { sourceEventId: policyEventId(record), partnerId: p.partnerId, policyId: p.id, tariffVersion: p.tariffVersion, businessAt };
  switch (record.type) {
    case 'com.kurumacover.policy.bound':
      if (!p.coverStart || !p.coverEnd) return null;
      return { ...context, kind: 'bound', premiumYen: p.premiumYen, coverStart: p.coverStart, coverEnd: p.coverEnd };
    case 'com.kurumacover.policy.extended':
      if (!record.coverEndBefore || !record.coverEndAfter) return null;
      return { ...context, kind: 'extended', lateReturn: record.reason === 'late-return', premiumDeltaYen: record.premiumDelta ?? 0, coverEndBefore: record.coverEndBefore, coverEndAfter: record.coverEndAfter };
    case 'com.kurumacover.policy.ended':
    case 'com.kurumacover.policy.cancelled':
      if (record.reason === 'no-show') return { ...context, kind: 'no-show', premiumYen: p.premiumYen, refundYen: record.refund ?? 0, coverEndAfter: p.coverEnd };
      return { ...context, kind: 'refunded', refundYen: record.refund ?? 0, coverEndBefore: record.coverEndBefore ?? null, coverEndAfter: p.coverEnd };
    default:
      return null;
  }
}

/**
 * The premium ledger's entries for the policy events a transition recorded, keyed by each event's
 * id: written in the transaction that stores the change, so they exist exactly when it does.
 */
export function ledgerEntriesOf(records: readonly PolicyEventRecord[], businessAt: Date): JournalEntry[] {
  return records.flatMap((r) => {
    const effect = moneyEffect(r, businessAt);
    return effect ? postPolicyEffect(effect) : [];
  });
}
