import type { ClaimsRepository, ClaimUnderReview, SqlTx } from '@kuruma/data-access-db';
import { NotFoundError } from '@kuruma/service-kit';
import type { Actor } from './change-claim-status.use-case';

/**
 * The preamble of an ops-only money action on a claim (a reserve change, a payment): the claim
 * locked for the rest of `tx`, so two such actions on one claim never interleave, and read back.
 * A partner is refused before this (the controller answers 403); were one to get here, the claim
 * would not exist for it, as a claim id that is not a UUID does not.
 */
export async function lockClaimForOps(claims: ClaimsRepository, tx: SqlTx, claimId: string, actor: Actor): Promise<ClaimUnderReview> {
  if (!/^[0-9a-f-]{36}$/i.test(claimId)) throw new NotFoundError(`claim ${claimId} not found`);
  await claims.lockClaim(tx, claimId);
  const claim = await claims.findForReview(tx, claimId);
  if (!claim || actor.partnerId) throw new NotFoundError(`claim ${claimId} not found`);
  return claim;
}
