import { ClaimsRepository, LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { BusinessClock, ConflictError } from '@kuruma/service-kit';
import { claimReserveChange } from '@kuruma/domain-claims';
import type { ClaimReserveChangeV1 } from '@kuruma/contracts';
import type { Actor } from './change-claim-status.use-case';
import { claimLedgerEntries } from './claim-ledger';
import { lockClaimForOps } from './lock-claim-for-ops';

export interface ClaimReserveResult {
  claimId: string;
  reserveYen: number;
  changed: boolean;
}

/**
 * A claims handler's new case reserve for an open claim: the claim row, the audit entry (with the
 * reason) and the premium ledger's incurred movement (the difference) in one transaction. The same
 * reserve again changes and posts nothing.
 */
export class ChangeClaimReserveUseCase {
  private readonly claims = new ClaimsRepository();
  private readonly ledger = new LedgerRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  async execute(claimId: string, change: ClaimReserveChangeV1, actor: Actor, now = this.clock.now()): Promise<ClaimReserveResult> {
    return this.db.$transaction(async (tx) => {
      const claim = await lockClaimForOps(this.claims, tx, claimId, actor);
      const decision = claimReserveChange(claim.status, claim.reserveYen, change.reserveYen);
      if (decision.kind === 'refused') throw new ConflictError(decision.reason);
      if (decision.kind === 'unchanged') return { claimId, reserveYen: claim.reserveYen, changed: false };
      await this.claims.setReserve(tx, claimId, decision.toYen);
      await this.claims.recordAudit(tx, {
        actor: actor.name,
        role: actor.role,
        action: 'claim.reserve-changed',
        claimId,
        details: { fromYen: decision.fromYen, toYen: decision.toYen, reason: change.reason },
      });
      // One entry per change: the instant makes the cause unique, as for the status actions.
      const entries = claimLedgerEntries('adjusted', { ...claim, reserveYen: decision.deltaYen }, `${claimId}:claim.reserve-changed:${now.toISOString()}`, now);
      await this.ledger.post(tx, entries, now);
      return { claimId, reserveYen: decision.toYen, changed: true };
    });
  }
}
