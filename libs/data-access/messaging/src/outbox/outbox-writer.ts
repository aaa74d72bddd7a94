import type { DatabaseTx } from '@kuruma/data-access-db';

export interface OutboxEntry {
  topic: string;
  key: string;
  eventId: string;
  /** Text (an event); a Buffer when the value must reach Kafka byte for byte (a dead letter's payload). */
  payload: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Writes events in the same transaction as the effect that caused them, and wakes the relay.
 * ON CONFLICT makes a retried transaction unable to enqueue the same event twice.
 */
export async function enqueueOutbox(tx: DatabaseTx, producer: string, entries: OutboxEntry[], trace?: Record<string, string>): Promise<void> {
  if (entries.length === 0) return;
  // `trace`: the trace headers of what caused every entry (a device alert's span); stamped on each.
  if (trace) for (const e of entries) e.headers = e.headers ? { ...e.headers, ...trace } : trace;
  // The entries travel as one JSON document (one native stringify, one parse in Postgres) rather
  // than as text arrays whose every payload node-postgres would escape element by element. One
  // statement, one round trip: the insert and, if it added a row, the relay's wake-up call
  // (delivered on commit only, so the relay never sees uncommitted rows). A data-modifying CTE
  // runs to completion whether or not the outer query reads all of it.
  // Bytes travel base64-encoded in the document: JSON text cannot carry arbitrary bytes.
  const rows = entries.map((e) => (typeof e.payload === 'string' ? e : { ...e, payload: null, payloadBase64: e.payload.toString('base64') }));
  await tx.$queryRaw`
    WITH added AS (
      INSERT INTO outbox (producer, topic, key, event_id, payload, payload_bytes, headers)
      SELECT ${producer}, topic, key, "eventId", payload, decode("payloadBase64", 'base64'), headers
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(topic text, key text, "eventId" text, payload text, "payloadBase64" text, headers jsonb)
      ON CONFLICT (producer, event_id) DO NOTHING
      RETURNING 1
    )
    SELECT pg_notify(${outboxChannel(producer)}, '')::text AS woken FROM (SELECT 1 FROM added LIMIT 1) AS any_added`;
}

export const outboxChannel = (producer: string): string => `outbox_${producer.replace(/[^a-z0-9_]/gi, '_')}`;
