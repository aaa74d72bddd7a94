import type { AccountCode } from './chart-of-accounts';

/** One side of a journal entry on one account, integer yen (exactly one of the two is non-zero). */
export interface JournalLine {
  account: AccountCode;
  debitYen: number;
  creditYen: number;
}

/** The posting rules; with the causing event's id, the key that makes an entry exactly once. */
export type PostingRule =
  | 'premium-written'
  | 'extension-premium'
  | 'late-return-premium'
  | 'return-premium'
  | 'no-show-fee'
  | 'cover-shortened'
  | 'claim-reserve-opened'
  | 'claim-reserve-released'
  | 'claim-settled'
  | 'claim-reserve-adjusted'
  | 'claim-paid'
  | 'partner-remittance'
  | 'unearned-premium-reserve';

/**
 * A balanced journal entry as a posting rule makes it. The database adds the posting instant and
 * the period it posts into (the business day, or the open day when that one is closed).
 */
export interface JournalEntry {
  /** The event that caused it (a CloudEvent id, or a synthesised one for changes that publish none). */
  sourceEventId: string;
  rule: PostingRule;
  partnerId: string;
  policyId: string | null;
  claimId: string | null;
  tariffVersion: string | null;
  /** When the business change happened (the causing event's time); periods are its Japan date. */
  businessAt: Date;
  /**
   * Earning of premium. For written premium: the covered interval it earns over. For a premium
   * reduction (return premium, no-show fee, cover shortened): `coverEnd` is the cover end after it.
   */
  coverStart: Date | null;
  coverEnd: Date | null;
  /** Premium taken back by this entry (return premium + fee kept), which stops earning. */
  reductionYen: number;
  lines: JournalLine[];
}

export const debit = (account: AccountCode, yen: number): JournalLine => ({ account, debitYen: yen, creditYen: 0 });
export const credit = (account: AccountCode, yen: number): JournalLine => ({ account, debitYen: 0, creditYen: yen });

/** Debits equal credits, every amount a non-negative integer, each line one-sided. */
export function isBalanced(entry: Pick<JournalEntry, 'lines'>): boolean {
  let debits = 0;
  let credits = 0;
  for (const l of entry.lines) {
    if (!Number.isSafeInteger(l.debitYen) || !Number.isSafeInteger(l.creditYen) || l.debitYen < 0 || l.creditYen < 0) return false;
    if (l.debitYen > 0 && l.creditYen > 0) return false;
    debits += l.debitYen;
    credits += l.creditYen;
  }
  return debits === credits;
}

/** Thrown when a posting rule would make an unbalanced entry: a programming error, never posted. */
export class UnbalancedEntryError extends Error {}

export function assertBalanced<E extends Pick<JournalEntry, 'lines' | 'rule' | 'sourceEventId'>>(entry: E): E {
  if (!isBalanced(entry)) throw new UnbalancedEntryError(`unbalanced ${entry.rule} entry for ${entry.sourceEventId}`);
  return entry;
}
