import type { WebhookReplayV1 } from '@kuruma/contracts';
import type { SqlTx } from '../sql/sql-database';

/** One event again (by its CloudEvent id), or every subscribed event received since an instant. */
export type WebhookReplayFilter = { eventId: string } | { since: Date };

/** The replay request of the partner API (and of the ops console, which takes the same body) as a filter. */
export const webhookReplayFilter = (input: WebhookReplayV1): WebhookReplayFilter => ('eventId' in input ? { eventId: input.eventId } : { since: new Date(input.since) });

/**
 * Sends events to one endpoint again as new deliveries with the same `webhook-id` (they keep their
 * order among themselves and with pending ones): the one with `eventId` (any type the partner
 * received, subscribed or not), or every subscribed one since `since`, oldest first, at most
 * `max`. Returns how many. The one statement both the partner API and the ops console run, in the
 * caller's transaction (the console commits its audit entry with it); the deliverer picks the new
 * deliveries up on its next poll.
 */
export async function replayWebhookEvents(tx: SqlTx, endpointId: string, partnerId: string, filter: WebhookReplayFilter, max: number): Promise<number> {
  const eventId = 'eventId' in filter ? filter.eventId : null;
  const since = 'since' in filter ? filter.since : null;
  const rows = await tx.$queryRaw<{ n: number }[]>`
    WITH picked AS (
      SELECT ev.seq, ev.ordering_key FROM webhook_event ev JOIN webhook_endpoint e ON e.id = ${endpointId} AND e.partner_id = ev.partner_id
      WHERE ev.partner_id = ${partnerId}
        AND (${eventId}::text IS NULL OR ev.event_id = ${eventId}::text)
        AND (${since}::timestamptz IS NULL OR (ev.received_at >= ${since}::timestamptz AND ev.type = ANY (e.event_types)))
      ORDER BY ev.seq LIMIT ${max}
    ), created AS (
      INSERT INTO webhook_delivery (endpoint_id, event_seq, ordering_key, replay)
      SELECT ${endpointId}, seq, ordering_key, true FROM picked ORDER BY seq
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM created`;
  return rows[0]?.n ?? 0;
}
