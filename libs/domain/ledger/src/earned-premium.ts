import type { AccountCode } from './chart-of-accounts';
import type { JournalEntry } from './journal-entry';

/** What earning needs of a posted entry, in posting order. */
export type EarningEntry = Pick<JournalEntry, 'rule' | 'businessAt' | 'coverStart' | 'coverEnd' | 'reductionYen' | 'lines'>;

/** Premium of a policy (or a sum of them) at an instant, integer yen. */
export interface PremiumPosition {
  /** Gross written premium: bind, extension and late-return premium. */
  writtenYen: number;
  /** Premium taken back: return premium and no-show fees kept as fees. */
  returnedYen: number;
  /** written - returned: the premium the insurer keeps, earned or not. */
  netWrittenYen: number;
  earnedYen: number;
  /** netWritten - earned: the unearned premium reserve. */
  unearnedYen: number;
}

export const ZERO_POSITION: PremiumPosition = { writtenYen: 0, returnedYen: 0, netWrittenYen: 0, earnedYen: 0, unearnedYen: 0 };

interface Layer {
  amount: number;
  from: number;
  to: number;
}

const MINUTE = 60_000;

/** A layer earns pro rata by whole minute over [from, to]: floor(amount x minutes elapsed / minutes covered). */
function earnedOf(l: Layer, at: number): number {
  if (at >= l.to) return l.amount;
  if (at <= l.from) return 0;
  const total = Math.max(1, Math.round((l.to - l.from) / MINUTE));
  const elapsed = Math.floor((at - l.from) / MINUTE);
  return elapsed >= total ? l.amount : Math.floor((l.amount * elapsed) / total);
}

export const writtenOf = (e: Pick<JournalEntry, 'lines'>): number => e.lines.reduce((s, l) => s + (l.account === '4100' ? l.creditYen - l.debitYen : 0), 0);

/**
 * One policy's premium position at `at`, from its entries (in posting order). Each written amount
 * earns over the minutes it covers: bind premium over the booked cover, extension premium over the
 * added minutes (minutes already past when it is written are earned at once). A premium reduction
 * (return premium, no-show fee, cover shortened) takes back unearned premium first; what stays
 * unearned then earns up to the new cover end (at once when that is past). Only a reduction larger
 * than the unearned premium (a no-show reported after the booked start) lowers earned premium,
 * by exactly the excess: otherwise earned premium never decreases, and never exceeds net written.
 */
export function policyPremiumAt(entries: readonly EarningEntry[], at: Date): PremiumPosition {
  const t = at.getTime();
  const ordered = entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.businessAt.getTime() <= t)
    .sort((a, b) => a.e.businessAt.getTime() - b.e.businessAt.getTime() || a.i - b.i);
  let layers: Layer[] = [];
  let settled = 0;
  let written = 0;
  let returned = 0;
  for (const { e } of ordered) {
    const w = e.businessAt.getTime();
    const amount = writtenOf(e);
    if (amount > 0) {
      written += amount;
      layers.push({ amount, from: (e.coverStart ?? e.businessAt).getTime(), to: Math.max((e.coverStart ?? e.businessAt).getTime(), (e.coverEnd ?? e.businessAt).getTime()) });
    }
    if (e.reductionYen > 0 || e.rule === 'cover-shortened') {
      const earned = settled + layers.reduce((s, l) => s + earnedOf(l, w), 0);
      const held = settled + layers.reduce((s, l) => s + l.amount, 0);
      const unearned = held - earned;
      returned += e.reductionYen;
      if (e.reductionYen <= unearned) {
        const rest = unearned - e.reductionYen;
        settled = earned;
        const end = Math.max(w, (e.coverEnd ?? e.businessAt).getTime());
        layers = rest > 0 ? [{ amount: rest, from: w, to: end }] : [];
      } else {
        settled = held - e.reductionYen;
        layers = [];
      }
    }
  }
  const earnedYen = settled + layers.reduce((s, l) => s + earnedOf(l, t), 0);
  const netWrittenYen = written - returned;
  return { writtenYen: written, returnedYen: returned, netWrittenYen, earnedYen, unearnedYen: netWrittenYen - earnedYen };
}

export const addPositions = (a: PremiumPosition, b: PremiumPosition): PremiumPosition => ({
  writtenYen: a.writtenYen + b.writtenYen,
  returnedYen: a.returnedYen + b.returnedYen,
  netWrittenYen: a.netWrittenYen + b.netWrittenYen,
  earnedYen: a.earnedYen + b.earnedYen,
  unearnedYen: a.unearnedYen + b.unearnedYen,
});

/** The premium position of many policies' entries (grouped by policy), summed. */
export function premiumAt(entries: readonly (EarningEntry & { policyId: string | null; claimId?: string | null })[], at: Date): PremiumPosition {
  const byPolicy = new Map<string, EarningEntry[]>();
  for (const e of entries) {
    if (!e.policyId || e.claimId) continue;
    const list = byPolicy.get(e.policyId) ?? [];
    list.push(e);
    byPolicy.set(e.policyId, list);
  }
  let total = ZERO_POSITION;
  for (const list of byPolicy.values()) total = addPositions(total, policyPremiumAt(list, at));
  return total;
}

/** Balance of each account (debits - credits) over the entries. */
export function accountBalances(entries: readonly Pick<JournalEntry, 'lines'>[]): Map<AccountCode, number> {
  const out = new Map<AccountCode, number>();
  for (const e of entries) for (const l of e.lines) out.set(l.account, (out.get(l.account) ?? 0) + l.debitYen - l.creditYen);
  return out;
}
