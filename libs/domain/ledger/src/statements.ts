import type { ClaimsBordereauLineV1, ClaimsBordereauV1, PremiumBordereauLineV1, PremiumBordereauV1, StatementV1 } from '@kuruma/contracts';
import type { AccountCode } from './chart-of-accounts';
import type { JournalEntry } from './journal-entry';
import { periodBounds } from './periods';

/** A posted entry as statements read it: where it posted, and the policy or claim it is about. */
export interface StatementEntry extends Pick<JournalEntry, 'sourceEventId' | 'rule' | 'tariffVersion' | 'businessAt' | 'coverEnd' | 'lines'> {
  claimId: string | null;
  periodDay: string;
  originalDay: string | null;
  policy: { policyNumber: string; bookingId: string; plan: string; coverStart: Date | null } | null;
  claim: { claimNumber: string; policyNumber: string; bookingId: string; occurredAt: Date; openedAt: Date; cause: string } | null;
}

/** `2026-11-30T18:05:00+09:00`: an instant in Japan time, to the second. */
export const japanIso = (at: Date): string => `${new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;

const sum = (entries: readonly Pick<JournalEntry, 'lines'>[], account: AccountCode, side: 'debitYen' | 'creditYen') =>
  entries.reduce((s, e) => s + e.lines.reduce((t, l) => t + (l.account === account ? l[side] : 0), 0), 0);

const byRule = (entries: readonly StatementEntry[], rule: JournalEntry['rule']) => entries.filter((e) => e.rule === rule);

function periodFields(partnerId: string, period: string, closed: boolean) {
  const { start, end } = periodBounds(period);
  return { partnerId, period, periodStart: japanIso(start), periodEnd: japanIso(end), closed };
}

/** The partner's statement for a period, from the entries posted into it. */
export function buildStatement(partnerId: string, period: string, closed: boolean, entries: readonly StatementEntry[]): StatementV1 {
  const written = sum(entries, '4100', 'creditYen') - sum(entries, '4100', 'debitYen');
  const refunds = sum(entries, '2100', 'creditYen') - sum(entries, '2100', 'debitYen');
  return {
    ...periodFields(partnerId, period, closed),
    policiesBound: entries.filter((e) => e.rule === 'premium-written').length,
    writtenPremiumYen: written,
    returnPremiumYen: sum(entries, '4110', 'debitYen') - sum(entries, '4110', 'creditYen'),
    refundsYen: refunds,
    feesYen: sum(entries, '4200', 'creditYen') - sum(entries, '4200', 'debitYen'),
    netAmountDueYen: written - refunds,
    claimReservesOpenedYen: entries.filter((e) => e.rule === 'claim-reserve-opened').reduce((s, e) => s + sum([e], '2300', 'creditYen'), 0),
    claimReservesReleasedYen: entries.filter((e) => e.rule === 'claim-reserve-released').reduce((s, e) => s + sum([e], '2300', 'debitYen'), 0),
    claimsSettledYen: sum(entries, '2400', 'creditYen'),
    adjustments: entries.filter((e) => e.originalDay !== null).length,
    claimReservesAdjustedYen: sum(byRule(entries, 'claim-reserve-adjusted'), '5100', 'debitYen') - sum(byRule(entries, 'claim-reserve-adjusted'), '5100', 'creditYen'),
    claimsPaidYen: sum(entries, '2400', 'debitYen'),
    remittancesReceivedYen: sum(byRule(entries, 'partner-remittance'), '1000', 'debitYen'),
  };
}

const TRANSACTION_TYPES: Partial<Record<JournalEntry['rule'], string>> = {
  'premium-written': 'new',
  'extension-premium': 'extension',
  'late-return-premium': 'late-return',
  'return-premium': 'return-premium',
  'no-show-fee': 'no-show',
  'cover-shortened': 'cover-shortened',
};

/** Stable order: by business instant, then the cause's id, so the same entries give the same lines. */
const byBusinessThenReference = (a: StatementEntry, b: StatementEntry) =>
  a.businessAt.getTime() - b.businessAt.getTime() || (a.sourceEventId < b.sourceEventId ? -1 : a.sourceEventId > b.sourceEventId ? 1 : 0) || (a.rule < b.rule ? -1 : 1);

/** One line per policy transaction (bind and each endorsement) posted into the period. */
export function buildPremiumBordereau(partnerId: string, period: string, closed: boolean, entries: readonly StatementEntry[]): PremiumBordereauV1 {
  const lines: PremiumBordereauLineV1[] = [...entries]
    .filter((e) => e.policy && TRANSACTION_TYPES[e.rule])
    .sort(byBusinessThenReference)
    .map((e) => {
      const p = e.policy as NonNullable<StatementEntry['policy']>;
      const gross = sum([e], '4100', 'creditYen');
      const refund = sum([e], '2100', 'creditYen');
      return {
        policyNumber: p.policyNumber,
        bookingId: p.bookingId,
        transactionType: TRANSACTION_TYPES[e.rule] as string,
        transactionDate: japanIso(e.businessAt),
        accountingDay: e.periodDay,
        originalDay: e.originalDay,
        plan: p.plan,
        riskInception: p.coverStart ? japanIso(p.coverStart) : null,
        riskExpiry: e.coverEnd ? japanIso(e.coverEnd) : null,
        tariffVersion: e.tariffVersion,
        grossPremiumYen: gross,
        returnPremiumYen: sum([e], '4110', 'debitYen'),
        feeYen: sum([e], '4200', 'creditYen'),
        netDueYen: gross - refund,
        reference: e.sourceEventId,
      };
    });
  return { ...periodFields(partnerId, period, closed), lines };
}

/**
 * One line per claim whose reserve moved in the period, with the reserve outstanding at its end
 * (`history`: every entry of those claims posted up to the period's last day).
 */
export function buildClaimsBordereau(partnerId: string, period: string, closed: boolean, entries: readonly StatementEntry[], history: readonly StatementEntry[]): ClaimsBordereauV1 {
  const moved = new Map<string, StatementEntry[]>();
  for (const e of entries) if (e.claimId && e.claim) moved.set(e.claimId, [...(moved.get(e.claimId) ?? []), e]);
  const lines: ClaimsBordereauLineV1[] = [...moved.entries()]
    .map(([claimId, own]) => {
      const c = (own[0] as StatementEntry).claim as NonNullable<StatementEntry['claim']>;
      const opened = own.filter((e) => e.rule === 'claim-reserve-opened').reduce((s, e) => s + sum([e], '2300', 'creditYen'), 0);
      const released = own.filter((e) => e.rule === 'claim-reserve-released').reduce((s, e) => s + sum([e], '2300', 'debitYen'), 0);
      const adjustments = byRule(own, 'claim-reserve-adjusted');
      const adjusted = sum(adjustments, '5100', 'debitYen') - sum(adjustments, '5100', 'creditYen');
      const past = history.filter((e) => e.claimId === claimId);
      return {
        claimNumber: c.claimNumber,
        policyNumber: c.policyNumber,
        bookingId: c.bookingId,
        lossDate: japanIso(c.occurredAt),
        notifiedDate: japanIso(c.openedAt),
        cause: c.cause,
        reserveOpenedYen: opened,
        reserveReleasedYen: released,
        settledYen: sum(own, '2400', 'creditYen'),
        incurredMovementYen: opened + adjusted - released,
        outstandingReserveYen: sum(past, '2300', 'creditYen') - sum(past, '2300', 'debitYen'),
        reserveAdjustedYen: adjusted,
        paidYen: sum(own, '2400', 'debitYen'),
        outstandingPayableYen: sum(past, '2400', 'creditYen') - sum(past, '2400', 'debitYen'),
      };
    })
    .sort((a, b) => (a.notifiedDate < b.notifiedDate ? -1 : a.notifiedDate > b.notifiedDate ? 1 : a.claimNumber < b.claimNumber ? -1 : 1));
  return { ...periodFields(partnerId, period, closed), lines };
}
