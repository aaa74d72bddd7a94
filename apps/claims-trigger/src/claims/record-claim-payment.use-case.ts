import { ClaimsRepository, LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { BusinessClock, ConflictError } from '@kuruma/service-kit';
import { claimPayment } from '@kuruma/domain-claims';
import type { ClaimPaymentV1 } from '@kuruma/contracts';
import type { Actor } from './change-claim-status.use-case';
import { claimLedgerEntries } from './claim-ledger';
import { lockClaimForOps } from './lock-claim-for-ops';

export interface ClaimPaymentResult {
  claimId: string;
  paymentReference: string;
  amountYen: number;
  /** What is still payable on the claim after this payment. */
  outstandingYen: number;
  /** false when this reference was already recorded with this amount (nothing was posted again). */
  recorded: boolean;
}

/**
 * A payment of a closed claim's settled amount: the premium ledger's claims payable goes down and
 * the bank account with it, keyed by the payment's reference so it is posted once; audited.
 */
export class RecordClaimPaymentUseCase {
  private readonly claims = new ClaimsRepository();
  private readonly ledger = new LedgerRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  async execute(claimId: string, payment: ClaimPaymentV1, actor: Actor, now = this.clock.now()): Promise<ClaimPaymentResult> {
    const sourceId = `${claimId}:claim.paid:${payment.paymentReference}`;
    return this.db.$transaction(async (tx) => {
      const claim = await lockClaimForOps(this.claims, tx, claimId, actor);
      const payable = await this.ledger.claimPayable(tx, claimId, sourceId);
      const outstandingYen = payable.settledYen - payable.paidYen;
      if (payable.samePaymentYen !== null) {
        if (payable.samePaymentYen !== payment.amountYen) throw new ConflictError(`payment ${payment.paymentReference} was recorded with ${payable.samePaymentYen} yen, not ${payment.amountYen}`);
        return { claimId, paymentReference: payment.paymentReference, amountYen: payment.amountYen, outstandingYen, recorded: false };
      }
      const decision = claimPayment(claim.status, payable.settledYen, payable.paidYen, payment.amountYen);
      if (decision.kind === 'refused') throw new ConflictError(decision.reason);
      await this.ledger.post(tx, claimLedgerEntries('paid', { ...claim, reserveYen: payment.amountYen }, sourceId, now), now);
      await this.claims.recordAudit(tx, {
        actor: actor.name,
        role: actor.role,
        action: 'claim.paid',
        claimId,
        details: { paymentReference: payment.paymentReference, amountYen: payment.amountYen, payee: payment.payee, outstandingAfterYen: decision.outstandingAfterYen },
      });
      return { claimId, paymentReference: payment.paymentReference, amountYen: payment.amountYen, outstandingYen: decision.outstandingAfterYen, recorded: true };
    });
  }
}
