import { ClaimsRepository, LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry } from '@kuruma/data-access-messaging';
import { BusinessClock, ConflictError, NotFoundError } from '@kuruma/service-kit';
import { type ClaimAction, claimEventData, claimStatusChange } from '@kuruma/domain-claims';
import { claimEvent, vehicleDamageRecord } from './claim-events';
import { claimLedgerEntries } from './claim-ledger';
import type { DamageFlags } from '../fraud-guard/damage-flags';

export type { ClaimAction } from '@kuruma/domain-claims';

export interface Actor {
  /** ops user name or `partner:{id}`. */
  name: string;
  role: string;
  /** Set for partners: they act only on claims of their own vehicles. */
  partnerId?: string;
}

/**
 * provisional -> confirmed | withdrawn, confirmed -> closed; audited, evented through the outbox,
 * and the partner vehicle's damage flag recomputed (closing or withdrawing the last damage claim lifts it).
 * The claim table is written through node-postgres, the same transactions as device signals.
 * A withdrawal releases the claim's reserve in the premium ledger; a close settles it.
 */
export class ChangeClaimStatusUseCase {
  private readonly claims = new ClaimsRepository();
  private readonly ledger = new LedgerRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly damageFlags: DamageFlags,
    private readonly producer: string,
    private readonly topic: (b: string) => string,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  /** `now` is business time: the instant of the status change and of its ledger movement. */
  async execute(claimId: string, action: ClaimAction, actor: Actor, now = this.clock.now()) {
    if (!/^[0-9a-f-]{36}$/i.test(claimId)) throw new NotFoundError(`claim ${claimId} not found`);
    return this.db.$transaction(async (tx) => {
      const claim = await this.claims.findForReview(tx, claimId);
      if (!claim || (actor.partnerId && claim.partnerId !== actor.partnerId)) throw new NotFoundError(`claim ${claimId} not found`);
      const change = claimStatusChange(claim.status, action);
      if (change.kind === 'unchanged') return { claimId, status: claim.status, changed: false };
      if (change.kind === 'refused') throw new ConflictError(`cannot ${action} a ${claim.status} claim`);
      const vehicle = { partnerId: claim.partnerId, vehicleId: claim.vehicleId };
      await this.claims.lockVehicle(tx, vehicle);
      await this.claims.setStatus(tx, claimId, change.to);
      await this.claims.recordAudit(tx, { actor: actor.name, role: actor.role, action: `claim.${action}`, claimId, details: { from: claim.status, to: change.to } });
      const outbox: OutboxEntry[] = [];
      const causeId = `${action}:${now.toISOString()}`;
      if (change.event) {
        const data = claimEventData(claim, change.to, { vehicleId: claim.vehicleId, deviceId: claim.deviceId ?? '' }, claim.signalCount, actor.name);
        outbox.push(claimEvent(change.event, data, causeId, now, this.topic));
      }
      const movement = change.to === 'withdrawn' ? 'released' : change.to === 'closed' ? 'settled' : null;
      if (movement) await this.ledger.post(tx, claimLedgerEntries(movement, claim, `${claimId}:claim.${change.to}:${causeId}`, now), now);
      const open = await this.claims.openDamageCount(tx, vehicle);
      outbox.push(vehicleDamageRecord(vehicle, open, `${claimId}:${causeId}`, now, this.topic));
      await enqueueOutbox(tx, this.producer, outbox);
      if (open === 0) await this.damageFlags.set(vehicle, false);
      return { claimId, status: change.to, changed: true };
    });
  }
}
