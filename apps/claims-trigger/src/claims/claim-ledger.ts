import { type ClaimReserveMovement, type JournalEntry, postClaimMovement } from '@kuruma/domain-ledger';

/**
 * The premium ledger's entry for a claim's reserve moving (docs/ledger.md): opened at first
 * notice, released on withdrawal, settled on close. Keyed by the claim event that carries the
 * change (or, for a close, which publishes none, the same id the event would have), and written
 * in the transaction that changes the claim.
 */
export function claimLedgerEntries(
  kind: ClaimReserveMovement['kind'],
  claim: { id: string; partnerId: string; policyId: string; reserveYen: number },
  sourceEventId: string,
  businessAt: Date,
): JournalEntry[] {
  return postClaimMovement({ kind, sourceEventId, businessAt, claimId: claim.id, partnerId: claim.partnerId, policyId: claim.policyId, reserveYen: claim.reserveYen });
}
