import { CLOUDEVENT_RECORD_HEADERS, type ClaimEventDataV1, type ClaimEventType, makeCloudEvent, partnerVehicleKey, Topics, type VehicleDamageV1 } from '@kuruma/contracts';
import type { PartnerVehicle } from '@kuruma/data-access-db';
import { type OutboxEntry, PARTNER_ID_HEADER } from '@kuruma/data-access-messaging';

/** A claim CloudEvent for the outbox, keyed by vehicle; the id is deterministic per cause. */
export function claimEvent(type: ClaimEventType, data: ClaimEventDataV1, causeId: string, now: Date, topic: (b: string) => string): OutboxEntry {
  const id = `${data.claimId ?? data.incidentId}:${type}:${causeId}`;
  const event = makeCloudEvent({ id, source: 'kuruma/claims-trigger', type, subject: data.claimId ?? data.incidentId ?? data.vehicleId, time: now.toISOString(), data });
  // Structured-mode CloudEvent (content-type); the partner header routes a copy to the partner's
  // own topic (PartnerTopicRouter): the partner data.partnerId names (the device's, or the policy's).
  const headers = data.partnerId ? { ...CLOUDEVENT_RECORD_HEADERS, [PARTNER_ID_HEADER]: data.partnerId } : { ...CLOUDEVENT_RECORD_HEADERS };
  return { topic: topic(Topics.claimEvents), key: data.vehicleId, eventId: id, payload: JSON.stringify(event), headers };
}

/** The compacted fraud-guard topic: how many open damage claims a partner's vehicle has. */
export function vehicleDamageRecord(vehicle: PartnerVehicle, openDamageClaims: number, causeId: string, now: Date, topic: (b: string) => string): OutboxEntry {
  const key = partnerVehicleKey(vehicle.partnerId, vehicle.vehicleId);
  const record: VehicleDamageV1 = { partnerId: vehicle.partnerId, vehicleId: vehicle.vehicleId, openDamageClaims, updatedAt: now.toISOString() };
  return { topic: topic(Topics.vehicleDamage), key, eventId: `vehicle-damage:${key}:${causeId}`, payload: JSON.stringify(record) };
}
