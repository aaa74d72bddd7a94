import { premiumAt } from './earned-premium';
import type { FigureEntry } from './finance-figures';
import { credit, debit, type JournalEntry } from './journal-entry';
import { periodBounds } from './periods';

/**
 * The unearned premium reserve (UPR) posting at a Japan day's close (docs/ledger.md): per partner,
 * the change since the last posting, so that the reserve account (2200) then holds exactly the
 * premium still unearned at the day's end; its counterpart is 4300 (change in UPR), which takes
 * the unearned part out of the period's income. An increase is Dr 4300 / Cr 2200, a release
 * Dr 2200 / Cr 4300; no change posts nothing. Keyed `upr:{partner}:{day}`, so a day's posting is
 * made once; a late entry of an earlier day is caught up by the next day's posting (the reserve
 * is compared with what the ledger holds, not with the day before's figure).
 */
export function unearnedPremiumReservePostings(entries: readonly FigureEntry[], day: string): JournalEntry[] {
  const end = periodBounds(day).end;
  // The last instant of the day: the posting belongs to the day it closes.
  const businessAt = new Date(end.getTime() - 1);
  const byPartner = new Map<string, FigureEntry[]>();
  for (const e of entries) byPartner.set(e.partnerId, [...(byPartner.get(e.partnerId) ?? []), e]);
  const postings: JournalEntry[] = [];
  for (const [partnerId, own] of [...byPartner].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const unearned = premiumAt(own.filter((e) => e.businessAt < end), end).unearnedYen;
    const reserved = own.filter((e) => e.rule === 'unearned-premium-reserve').reduce((s, e) => s + e.lines.reduce((t, l) => t + (l.account === '2200' ? l.creditYen - l.debitYen : 0), 0), 0);
    const change = unearned - reserved;
    if (change === 0) continue;
    postings.push({
      sourceEventId: `upr:${partnerId}:${day}`,
      rule: 'unearned-premium-reserve',
      partnerId,
      policyId: null,
      claimId: null,
      tariffVersion: null,
      businessAt,
      coverStart: null,
      coverEnd: null,
      reductionYen: 0,
      lines: change > 0 ? [debit('4300', change), credit('2200', change)] : [debit('2200', -change), credit('4300', -change)],
    });
  }
  return postings;
}
