import { makeCloudEvent, type PolicyEventDataV1, type PolicyEventType, Topics } from '@kuruma/contracts';
import type { PolicyRow } from '@kuruma/data-access-db';
import { type OutboxEntry, PARTNER_ID_HEADER } from '@kuruma/data-access-messaging';
import { toJapanTime } from '@kuruma/domain-rating';

export interface PolicyEventExtras {
  premiumDelta?: number;
  refund?: number;
  reason?: string;
  reasons?: { code: string; message: string }[];
  causationId: string;
}

/** A policy CloudEvent for the outbox; its id is deterministic, so a retry cannot enqueue it twice. */
export function policyEvent(type: PolicyEventType, p: PolicyRow, extras: PolicyEventExtras, now: Date, topic: (b: string) => string): OutboxEntry {
  const declined = p.status === 'declined';
  const data: PolicyEventDataV1 = {
    bookingId: p.bookingId,
    policyId: declined ? null : p.id,
    policyNumber: p.policyNumber,
    partnerId: p.partnerId,
    status: p.status as PolicyEventDataV1['status'],
    plan: p.plan,
    vehicleId: p.vehicleId,
    coverStart: declined || !p.coverStart ? null : toJapanTime(p.coverStart),
    coverEnd: declined || !p.coverEnd ? null : toJapanTime(p.coverEnd),
    premium: p.premiumYen,
    premiumDelta: extras.premiumDelta ?? 0,
    refund: extras.refund ?? 0,
    tariffVersion: p.tariffVersion,
    ...(extras.reason ? { reason: extras.reason } : {}),
    ...(extras.reasons ? { reasons: extras.reasons } : {}),
    causationId: extras.causationId,
  };
  const id = `${p.id}:${type}:${extras.causationId}`;
  const event = makeCloudEvent({ id, source: 'kuruma/policy', type, subject: p.bookingId, time: now.toISOString(), data });
  // The header routes a copy to the partner's own topic (PartnerTopicRouter).
  return { topic: topic(Topics.policyEvents), key: p.bookingId, eventId: id, payload: JSON.stringify(event), headers: { [PARTNER_ID_HEADER]: p.partnerId } };
}
