import { CLOUDEVENT_RECORD_HEADERS, makeCloudEvent, type PolicyEventDataV1, Topics } from '@kuruma/contracts';
import { type OutboxEntry, PARTNER_ID_HEADER } from '@kuruma/data-access-messaging';
import type { PolicyEventRecord } from '@kuruma/domain-policy';
import { toJapanTime } from '@kuruma/domain-rating';

/** A policy event's CloudEvent id: deterministic, so a retry cannot enqueue (or post to the ledger) twice. */
export const policyEventId = (record: PolicyEventRecord): string => `${record.policy.id}:${record.type}:${record.causationId}`;

/** A policy CloudEvent for the outbox; its id is deterministic, so a retry cannot enqueue it twice. */
export function policyEvent(record: PolicyEventRecord, now: Date, topic: (b: string) => string): OutboxEntry {
  const { type, policy: p } = record;
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
    premiumDelta: record.premiumDelta ?? 0,
    refund: record.refund ?? 0,
    tariffVersion: p.tariffVersion,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.reasons ? { reasons: record.reasons } : {}),
    causationId: record.causationId,
  };
  const id = policyEventId(record);
  const event = makeCloudEvent({ id, source: 'kuruma/policy', type, subject: p.bookingId, time: now.toISOString(), data });
  // Structured-mode CloudEvent (content-type); the partner header routes a copy to the partner's own topic (PartnerTopicRouter).
  return { topic: topic(Topics.policyEvents), key: p.bookingId, eventId: id, payload: JSON.stringify(event), headers: { ...CLOUDEVENT_RECORD_HEADERS, [PARTNER_ID_HEADER]: p.partnerId } };
}
