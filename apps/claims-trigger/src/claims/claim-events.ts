import { type ClaimEventDataV1, type ClaimEventType, makeCloudEvent, Topics } from '@kuruma/contracts';
import type { OutboxEntry } from '@kuruma/data-access-messaging';

/** A claim CloudEvent for the outbox, keyed by vehicle; the id is deterministic per cause. */
export function claimEvent(type: ClaimEventType, data: ClaimEventDataV1, causeId: string, now: Date, topic: (b: string) => string): OutboxEntry {
  const id = `${data.claimId ?? data.incidentId}:${type}:${causeId}`;
  const event = makeCloudEvent({ id, source: 'kuruma/claims-trigger', type, subject: data.claimId ?? data.incidentId ?? data.vehicleId, time: now.toISOString(), data });
  return { topic: topic(Topics.claimEvents), key: data.vehicleId, eventId: id, payload: JSON.stringify(event) };
}

/** The compacted fraud-guard topic: how many open damage claims a vehicle has. */
export function vehicleDamageRecord(vehicleId: string, openDamageClaims: number, causeId: string, now: Date, topic: (b: string) => string): OutboxEntry {
  return {
    topic: topic(Topics.vehicleDamage),
    key: vehicleId,
    eventId: `vehicle-damage:${vehicleId}:${causeId}`,
    payload: JSON.stringify({ vehicleId, openDamageClaims, updatedAt: now.toISOString() }),
  };
}
