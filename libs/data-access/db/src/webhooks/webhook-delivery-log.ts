import type { WebhookDeliveryPageV1 } from '@kuruma/contracts';
import type { WebhookDeliveryRepository } from './webhook-delivery.repository';

/** A nextCursor this log handed out: a delivery id. */
export const WEBHOOK_DELIVERY_CURSOR = /^[1-9]\d{0,17}$/;

/**
 * An endpoint's delivery log, newest first, a page at a time (cursor = the last delivery id seen),
 * each delivery with its attempts: what the partner API answers and the ops console shows.
 */
export async function readWebhookDeliveryLog(deliveries: WebhookDeliveryRepository, endpointId: string, cursor: string | null, limit: number): Promise<WebhookDeliveryPageV1> {
  const { deliveries: rows, attempts } = await deliveries.page(endpointId, cursor, limit);
  const items = rows.map((d) => ({
    id: d.id,
    eventId: d.event_id,
    eventType: d.type,
    state: d.state,
    replay: d.replay,
    createdAt: d.created_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
    nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
    attempts: attempts.filter((a) => a.delivery_id === d.id).map((a) => ({ at: a.attempted_at.toISOString(), statusCode: a.status_code, latencyMs: a.latency_ms, error: a.error })),
  }));
  return { items, nextCursor: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
}
