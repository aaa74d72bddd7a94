import { type DatabaseTx, fixedStatement, joinedStatementParts, LEDGER_POSTING_CTES, LedgerRepository, postingParameters } from '@kuruma/data-access-db';
import type { JournalEntry } from '@kuruma/domain-ledger';
import { OutboxHandoff, type OutboxRow } from './outbox-handoff';

export interface OutboxEntry {
  topic: string;
  key: string;
  eventId: string;
  /** Text (an event); a Buffer when the value must reach Kafka byte for byte (a dead letter's payload). */
  payload: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * The insert as a common table expression and the query that returns its rows and wakes the relay,
 * split at its parameters (producer, document, channel, token). One statement, one round trip: the
 * insert and, if it added a row, the relay's wake-up call (delivered on commit only, so the relay
 * never sees uncommitted rows; identical notifications of one transaction are delivered once). Its
 * payload is the token under which this process's relay holds the added rows (OutboxHandoff), or
 * '' for "read them". A data-modifying CTE runs to completion whether or not the outer query reads
 * all of it.
 */
const ENQUEUE_CTE = [
  `added AS (
    INSERT INTO outbox (producer, topic, key, event_id, payload, payload_bytes, headers)
    SELECT `,
  `, topic, key, "eventId", payload, decode("payloadBase64", 'base64'), headers
    FROM json_to_recordset(`,
  `::json) AS x(topic text, key text, "eventId" text, payload text, "payloadBase64" text, headers jsonb)
    ON CONFLICT (producer, event_id) DO NOTHING
    RETURNING id, event_id, created_at
  )
  SELECT id::text AS id, event_id AS "eventId", created_at, pg_notify(`,
  ', ',
  ')::text AS woken FROM added',
];
const ENQUEUE = fixedStatement(...joinedStatementParts(['WITH'], ' ', ENQUEUE_CTE));
/** A ledger posting and the insert in one statement (each transaction that writes both ends with them). */
const POST_AND_ENQUEUE = fixedStatement(...joinedStatementParts(LEDGER_POSTING_CTES, ', ', ENQUEUE_CTE));

/** Journal entries to post in the same statement as the events (LedgerRepository.post's arguments). */
export interface OutboxPosting {
  entries: readonly JournalEntry[];
  businessNow?: Date;
}

/**
 * Writes events in the same transaction as the effect that caused them, and wakes the relay; with
 * `posting`, posts those journal entries in the same statement (one round trip fewer per
 * transaction: at low rates a statement's cost is mostly its own, not its rows', docs/benchmarks.md
 * "The outbox relay's statements"). ON CONFLICT makes a retried transaction unable to enqueue the
 * same event twice.
 */
export async function enqueueOutbox(tx: DatabaseTx, producer: string, entries: OutboxEntry[], posting?: OutboxPosting): Promise<void> {
  if (entries.length === 0) {
    if (posting) await new LedgerRepository().post(tx, posting.entries, posting.businessNow);
    return;
  }
  const ledger = posting ? postingParameters(posting.entries, posting.businessNow) : null;
  // The entries travel as one JSON document (one native stringify, one parse in Postgres) rather
  // than as text arrays whose every payload node-postgres would escape element by element.
  // Bytes travel base64-encoded in the document: JSON text cannot carry arbitrary bytes.
  const rows = entries.map((e) => (typeof e.payload === 'string' ? e : { ...e, payload: null, payloadBase64: e.payload.toString('base64') }));
  const handoff = OutboxHandoff.of(producer);
  const token = handoff?.token() ?? '';
  const values = [producer, JSON.stringify(rows), outboxChannel(producer), token];
  const added = await tx.$queryRaw<{ id: string; eventId: string; created_at: Date }[]>(ledger ? POST_AND_ENQUEUE : ENQUEUE, ...(ledger ?? []), ...values);
  if (token && handoff && added.length > 0) handoff.hold(token, heldRows(entries, added));
}

/** The added rows as the relay sends them, in id order (an event id repeated in `entries` was added once, the first). */
function heldRows(entries: OutboxEntry[], added: { id: string; eventId: string; created_at: Date }[]): OutboxRow[] {
  const byEventId = new Map<string, OutboxEntry>();
  for (const e of entries) if (!byEventId.has(e.eventId)) byEventId.set(e.eventId, e);
  const rows: OutboxRow[] = [];
  for (const a of added) {
    const e = byEventId.get(a.eventId) as OutboxEntry;
    const text = typeof e.payload === 'string';
    rows.push({ id: a.id, topic: e.topic, key: e.key, payload: text ? (e.payload as string) : null, payload_bytes: text ? null : (e.payload as Buffer), headers: e.headers ?? null, created_at: a.created_at });
  }
  // Ids are int8 text: the shorter is the smaller, and equal lengths compare as text.
  return rows.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const outboxChannel = (producer: string): string => `outbox_${producer.replace(/[^a-z0-9_]/gi, '_')}`;
