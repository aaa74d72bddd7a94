import { CLAIM_AMOUNT_LIMIT_YEN } from '@kuruma/contracts';

/**
 * The money decisions on a claim after first notice (issue #19): a claims handler changes the case
 * reserve while the claim is open, and records payments once it is closed (settled at its reserve).
 */

/** The largest reserve or payment, yen: a storage limit, not a cover limit (see the contract). */
export const MAX_CLAIM_AMOUNT_YEN = CLAIM_AMOUNT_LIMIT_YEN;

const OPEN: readonly string[] = ['provisional', 'confirmed'];

export type ReserveChange =
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: string }
  /** `deltaYen`: new reserve - old, signed; the ledger posts it as an incurred movement. */
  | { kind: 'changed'; fromYen: number; toYen: number; deltaYen: number };

/** A new case reserve for a claim: only while it is open (a withdrawn or closed claim's reserve is final). */
export function claimReserveChange(status: string, currentYen: number, newYen: number): ReserveChange {
  if (!Number.isSafeInteger(newYen) || newYen < 0 || newYen > MAX_CLAIM_AMOUNT_YEN) return { kind: 'refused', reason: `a reserve is whole yen from 0 to ${MAX_CLAIM_AMOUNT_YEN}` };
  if (!OPEN.includes(status)) return { kind: 'refused', reason: `the reserve of a ${status} claim is final` };
  if (newYen === currentYen) return { kind: 'unchanged' };
  return { kind: 'changed', fromYen: currentYen, toYen: newYen, deltaYen: newYen - currentYen };
}

export type ClaimPaymentDecision = { kind: 'refused'; reason: string } | { kind: 'payable'; outstandingAfterYen: number };

/**
 * A payment on a claim: only a closed claim has an amount payable (its settled reserve), and the
 * payments never add up to more than that. `paidYen`: what earlier payments paid.
 */
export function claimPayment(status: string, settledYen: number, paidYen: number, amountYen: number): ClaimPaymentDecision {
  if (!Number.isSafeInteger(amountYen) || amountYen <= 0 || amountYen > MAX_CLAIM_AMOUNT_YEN) return { kind: 'refused', reason: `a payment is whole yen from 1 to ${MAX_CLAIM_AMOUNT_YEN}` };
  if (status !== 'closed') return { kind: 'refused', reason: `a ${status} claim has nothing payable yet: close it first` };
  const outstanding = settledYen - paidYen;
  if (amountYen > outstanding) return { kind: 'refused', reason: `${amountYen} yen is more than the ${outstanding} yen still payable on this claim` };
  return { kind: 'payable', outstandingAfterYen: outstanding - amountYen };
}
