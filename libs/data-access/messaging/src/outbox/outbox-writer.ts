import type { DatabaseTx } from '@kuruma/data-access-db';

export interface OutboxEntry {
  topic: string;
  key: string;
  eventId: string;
  payload: string;
  headers?: Record<string, string>;
}

/**
 * Writes events in the same transaction as the effect that caused them, and wakes the relay.
 * ON CONFLICT makes a retried transaction unable to enqueue the same event twice.
 */
export async function enqueueOutbox(tx: DatabaseTx, producer: string, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // The entries travel as one JSON document (one native stringify, one parse in Postgres) rather
  // than as text arrays whose every payload node-postgres would escape element by element.
  await tx.$executeRaw`
    INSERT INTO outbox (producer, topic, key, event_id, payload, headers)
    SELECT ${producer}, topic, key, "eventId", payload, headers
    FROM json_to_recordset(${JSON.stringify(entries)}::json) AS x(topic text, key text, "eventId" text, payload text, headers jsonb)
    ON CONFLICT (producer, event_id) DO NOTHING`;
  // Delivered on commit only, so the relay never sees uncommitted rows.
  await tx.$executeRaw`SELECT pg_notify(${outboxChannel(producer)}, '')`;
}

export const outboxChannel = (producer: string): string => `outbox_${producer.replace(/[^a-z0-9_]/gi, '_')}`;
