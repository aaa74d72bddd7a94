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
  await tx.$executeRaw`
    INSERT INTO outbox (producer, topic, key, event_id, payload, headers)
    SELECT ${producer}, t, k, e, p, h::jsonb
    FROM unnest(${entries.map((e) => e.topic)}::text[], ${entries.map((e) => e.key)}::text[],
                ${entries.map((e) => e.eventId)}::text[], ${entries.map((e) => e.payload)}::text[],
                ${entries.map((e) => (e.headers ? JSON.stringify(e.headers) : null))}::text[]) AS x(t, k, e, p, h)
    ON CONFLICT (producer, event_id) DO NOTHING`;
  // Delivered on commit only, so the relay never sees uncommitted rows.
  await tx.$executeRaw`SELECT pg_notify(${outboxChannel(producer)}, '')`;
}

export const outboxChannel = (producer: string): string => `outbox_${producer.replace(/[^a-z0-9_]/gi, '_')}`;
