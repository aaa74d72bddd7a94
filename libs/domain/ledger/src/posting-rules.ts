import { assertBalanced, credit, debit, type JournalEntry, type JournalLine } from './journal-entry';

/** What every money effect of a policy names: its cause, partner, policy, tariff and business instant. */
interface PolicyContext {
  /** The policy event that carried the change (its CloudEvent id). */
  sourceEventId: string;
  partnerId: string;
  policyId: string;
  tariffVersion: string | null;
  businessAt: Date;
}

/** The money side of a policy change, as the policy aggregate decided it. */
export type PolicyMoneyEffect = PolicyContext &
  (
    | { kind: 'bound'; premiumYen: number; coverStart: Date; coverEnd: Date }
    | { kind: 'extended'; lateReturn: boolean; premiumDeltaYen: number; coverEndBefore: Date; coverEndAfter: Date }
    /** Early end, cancellation before or after the start, or an ordinary end (refund 0). */
    | { kind: 'refunded'; refundYen: number; coverEndBefore: Date | null; coverEndAfter: Date | null }
    /** The driver never came: the premium goes back less the tariff's no-show fee, which is kept as a fee. */
    | { kind: 'no-show'; premiumYen: number; refundYen: number; coverEndAfter: Date | null }
  );

/**
 * A claim's money moving: its case reserve opened at first notice, changed by a claims handler,
 * released on withdrawal, settled on close; and a payment of what was settled.
 */
export interface ClaimReserveMovement {
  sourceEventId: string;
  kind: 'opened' | 'adjusted' | 'released' | 'settled' | 'paid';
  partnerId: string;
  policyId: string;
  claimId: string;
  /** The reserve (opened, released, settled), the signed change of it (adjusted), or the amount paid (paid). */
  reserveYen: number;
  businessAt: Date;
}

const lines = (...all: JournalLine[]) => all.filter((l) => l.debitYen > 0 || l.creditYen > 0);

function policyEntry(e: PolicyContext, rest: Pick<JournalEntry, 'rule' | 'coverStart' | 'coverEnd' | 'reductionYen' | 'lines'>): JournalEntry {
  const { sourceEventId, partnerId, policyId, tariffVersion, businessAt } = e;
  return assertBalanced({ sourceEventId, partnerId, policyId, claimId: null, tariffVersion, businessAt, ...rest });
}

/**
 * The journal entries of one policy money effect (none when it moves no money and no cover).
 * Premium is written to the partner's receivable and earns over the minutes it covers; return
 * premium is owed back to the partner; a no-show keeps the fee as fee income.
 */
export function postPolicyEffect(effect: PolicyMoneyEffect): JournalEntry[] {
  switch (effect.kind) {
    case 'bound':
      if (effect.premiumYen <= 0) return [];
      return [
        policyEntry(effect, {
          rule: 'premium-written',
          coverStart: effect.coverStart,
          coverEnd: effect.coverEnd,
          reductionYen: 0,
          lines: [debit('1100', effect.premiumYen), credit('4100', effect.premiumYen)],
        }),
      ];
    case 'extended':
      if (effect.premiumDeltaYen <= 0) return [];
      return [
        policyEntry(effect, {
          rule: effect.lateReturn ? 'late-return-premium' : 'extension-premium',
          coverStart: effect.coverEndBefore,
          coverEnd: effect.coverEndAfter,
          reductionYen: 0,
          lines: [debit('1100', effect.premiumDeltaYen), credit('4100', effect.premiumDeltaYen)],
        }),
      ];
    case 'refunded': {
      const shortened = effect.coverEndBefore !== null && effect.coverEndAfter !== null && effect.coverEndAfter.getTime() < effect.coverEndBefore.getTime();
      if (effect.refundYen <= 0 && !shortened) return [];
      // A shortened cover without a refund moves no money but stops the premium earning at the new end.
      const rule = effect.refundYen > 0 ? 'return-premium' : 'cover-shortened';
      return [
        policyEntry(effect, {
          rule,
          coverStart: null,
          coverEnd: effect.coverEndAfter,
          reductionYen: Math.max(0, effect.refundYen),
          lines: lines(debit('4110', effect.refundYen), credit('2100', effect.refundYen)),
        }),
      ];
    }
    case 'no-show': {
      const fee = Math.max(0, effect.premiumYen - effect.refundYen);
      const returned = effect.refundYen + fee;
      if (returned <= 0) return [];
      return [
        policyEntry(effect, {
          rule: 'no-show-fee',
          coverStart: null,
          coverEnd: effect.coverEndAfter,
          reductionYen: returned,
          lines: lines(debit('4110', returned), credit('2100', effect.refundYen), credit('4200', fee)),
        }),
      ];
    }
  }
}

const CLAIM_RULES = {
  opened: 'claim-reserve-opened',
  adjusted: 'claim-reserve-adjusted',
  released: 'claim-reserve-released',
  settled: 'claim-settled',
  paid: 'claim-paid',
} as const;

/**
 * The journal entry of a claim's money moving: opening a reserve is an incurred loss, and raising
 * it more of one; lowering or releasing it (withdrawal) takes the loss back; settling (close) moves
 * it to claims payable, the loss stays; a payment pays out of the bank what was payable.
 */
export function postClaimMovement(m: ClaimReserveMovement): JournalEntry[] {
  if (m.reserveYen === 0 || (m.kind !== 'adjusted' && m.reserveYen < 0)) return [];
  const y = Math.abs(m.reserveYen);
  const byKind = {
    opened: [debit('5100', y), credit('2300', y)],
    adjusted: m.reserveYen > 0 ? [debit('5100', y), credit('2300', y)] : [debit('2300', y), credit('5100', y)],
    released: [debit('2300', y), credit('5100', y)],
    settled: [debit('2300', y), credit('2400', y)],
    paid: [debit('2400', y), credit('1000', y)],
  } satisfies Record<ClaimReserveMovement['kind'], JournalLine[]>;
  return [
    assertBalanced({
      sourceEventId: m.sourceEventId,
      rule: CLAIM_RULES[m.kind],
      partnerId: m.partnerId,
      policyId: m.policyId,
      claimId: m.claimId,
      tariffVersion: null,
      businessAt: m.businessAt,
      coverStart: null,
      coverEnd: null,
      reductionYen: 0,
      lines: byKind[m.kind],
    }),
  ];
}

/** Money the partner sent the insurer against what it owes (its statements' net amounts due). */
export interface PartnerRemittance {
  partnerId: string;
  /** The insurer's reference of the receipt (bank statement line): the same reference is one remittance. */
  reference: string;
  amountYen: number;
  /** When the money arrived (Japan date at midnight, or the recording instant). */
  receivedAt: Date;
}

/**
 * The journal entry of a remittance: cash in, the partner's receivable down. Refunds payable
 * (2100) are not moved: the partner remits net of them, so what it still owes is 1100 - 2100.
 */
export function postPartnerRemittance(r: PartnerRemittance): JournalEntry[] {
  if (!Number.isSafeInteger(r.amountYen) || r.amountYen <= 0) return [];
  return [
    assertBalanced({
      sourceEventId: `${r.partnerId}:remittance:${r.reference}`,
      rule: 'partner-remittance',
      partnerId: r.partnerId,
      policyId: null,
      claimId: null,
      tariffVersion: null,
      businessAt: r.receivedAt,
      coverStart: null,
      coverEnd: null,
      reductionYen: 0,
      lines: [debit('1000', r.amountYen), credit('1100', r.amountYen)],
    }),
  ];
}
