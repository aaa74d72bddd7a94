import { type Database, ClaimsRepository } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry } from '@kuruma/data-access-messaging';
import { ConflictError, NotFoundError } from '@kuruma/service-kit';
import type { ClaimEventDataV1 } from '@kuruma/contracts';
import { claimEvent, vehicleDamageRecord } from './claim-events';
import type { DamageFlags } from '../fraud-guard/damage-flags';

export type ClaimAction = 'confirm' | 'withdraw' | 'close';

const TRANSITIONS: Record<ClaimAction, { from: string[]; to: string; event?: 'claim.confirmed' | 'claim.withdrawn' }> = {
  confirm: { from: ['provisional'], to: 'confirmed', event: 'claim.confirmed' },
  withdraw: { from: ['provisional'], to: 'withdrawn', event: 'claim.withdrawn' },
  close: { from: ['confirmed'], to: 'closed' },
};

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
 */
export class ChangeClaimStatusUseCase {
  private readonly claims = new ClaimsRepository();

  constructor(
    private readonly db: Database,
    private readonly damageFlags: DamageFlags,
    private readonly producer: string,
    private readonly topic: (b: string) => string,
  ) {}

  async execute(claimId: string, action: ClaimAction, actor: Actor, now = new Date()) {
    if (!/^[0-9a-f-]{36}$/i.test(claimId)) throw new NotFoundError(`claim ${claimId} not found`);
    const transition = TRANSITIONS[action];
    return this.db.$transaction(async (tx) => {
      const claim = await tx.claim.findUnique({ where: { id: claimId }, include: { signals: { select: { id: true, deviceId: true } } } });
      if (!claim || (actor.partnerId && claim.partnerId !== actor.partnerId)) throw new NotFoundError(`claim ${claimId} not found`);
      if (claim.status === transition.to) return { claimId, status: claim.status, changed: false };
      if (!transition.from.includes(claim.status)) throw new ConflictError(`cannot ${action} a ${claim.status} claim`);
      const vehicle = { partnerId: claim.partnerId, vehicleId: claim.vehicleId };
      await this.claims.lockVehicle(tx, vehicle);
      await tx.claim.update({ where: { id: claimId }, data: { status: transition.to } });
      await tx.auditLog.create({ data: { actor: actor.name, role: actor.role, action: `claim.${action}`, targetType: 'claim', targetId: claimId, details: { from: claim.status, to: transition.to } } });
      const outbox: OutboxEntry[] = [];
      const causeId = `${action}:${now.toISOString()}`;
      if (transition.event) {
        const data: ClaimEventDataV1 = {
          claimId, claimNumber: claim.claimNumber, vehicleId: claim.vehicleId, deviceId: claim.signals[0]?.deviceId ?? '', partnerId: claim.partnerId,
          policyId: claim.policyId, policyNumber: claim.policyNumber, bookingId: claim.bookingId, status: transition.to as ClaimEventDataV1['status'],
          severity: claim.severity as ClaimEventDataV1['severity'], cause: claim.cause, occurredAt: claim.occurredAt.toISOString(),
          location: claim.lat !== null && claim.lon !== null ? { lat: claim.lat, lon: claim.lon } : null, coverages: claim.coverages as string[],
          reserve: claim.reserveYen, signalCount: claim.signals.length, actor: actor.name,
        };
        outbox.push(claimEvent(transition.event, data, causeId, now, this.topic));
      }
      const open = await this.claims.openDamageCount(tx, vehicle);
      outbox.push(vehicleDamageRecord(vehicle, open, `${claimId}:${causeId}`, now, this.topic));
      await enqueueOutbox(tx, this.producer, outbox);
      if (open === 0) await this.damageFlags.set(vehicle, false);
      return { claimId, status: transition.to, changed: true };
    });
  }
}
