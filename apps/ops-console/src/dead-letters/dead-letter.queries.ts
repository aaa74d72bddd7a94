import type { SqlTx } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import { type PayloadView, payloadView } from './dead-letter-payload';
import type { IndexedDeadLetter } from './indexed-dead-letter';
import { RedriveHeaders } from './redrive-dead-letters.use-case';

/** Dead letters per dead-letter topic and reason code: what the console's summary table shows. */
export interface DeadLetterGroup {
  topic: string;
  reason: string;
  total: number;
  /** Not yet redriven. */
  waiting: number;
  /** Not yet redriven, and their original topic is one the console may redrive to. */
  redrivable: number;
  newest: Date;
}

/** One dead letter in a list: what the indexer read, without the bytes, and its redrive state. */
export interface DeadLetterSummary extends Omit<IndexedDeadLetter, 'key' | 'payload' | 'headers'> {
  id: string;
  indexedAt: Date;
  size: number;
  redrivenAt: Date | null;
  redrivenBy: string | null;
  redrivePartition: number | null;
  redriveOffset: string | null;
  /** False when its original topic is not one the console may write (a partner's own topic, MQTT). */
  redrivable: boolean;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  key: PayloadView | null;
  payload: PayloadView;
  /** Header name -> its value shown as the payload is (escaped text, or hex). */
  headers: Record<string, PayloadView>;
  /** The dead letter this record was redriven from, when it failed again after a redrive. */
  redriveOf: string | null;
}

export interface DeadLetterFilter {
  topic?: string;
  reason?: string;
  cursor?: string;
  limit: number;
}

const SUMMARY_COLUMNS = `id::text, dlq_topic AS "dlqTopic", dlq_partition AS "dlqPartition", dlq_offset::text AS "dlqOffset",
  original_topic AS "originalTopic", original_partition AS "originalPartition", original_offset::text AS "originalOffset",
  reason, reason_code AS "reasonCode", attempts, service, failed_at AS "failedAt", indexed_at AS "indexedAt", octet_length(payload) AS size,
  redriven_at AS "redrivenAt", redriven_by AS "redrivenBy", redrive_partition AS "redrivePartition", redrive_offset::text AS "redriveOffset",
  original_topic = ANY($1::text[]) AS redrivable`;

/** The read side of the dead-letter index. */
export class DeadLetterQueries {
  constructor(
    private readonly db: SqlTx,
    /** Original topics the console may redrive to (see redriveTargets). */
    private readonly targets: string[],
  ) {}

  async groups(): Promise<DeadLetterGroup[]> {
    return this.db.$queryRaw<DeadLetterGroup[]>`
      SELECT dlq_topic AS topic, reason_code AS reason, count(*)::int AS total, count(*) FILTER (WHERE redriven_at IS NULL)::int AS waiting,
             count(*) FILTER (WHERE redriven_at IS NULL AND original_topic = ANY(${this.targets}::text[]))::int AS redrivable, max(indexed_at) AS newest
        FROM dead_letter_record GROUP BY dlq_topic, reason_code ORDER BY max(indexed_at) DESC`;
  }

  /** Newest first, keyset-paginated on (indexed_at, id): a page never repeats or skips a row as new ones arrive. */
  async list(filter: DeadLetterFilter): Promise<{ items: DeadLetterSummary[]; next: string | null }> {
    const after = decodeCursor(filter.cursor);
    const rows = await this.db.$queryRawUnsafe<DeadLetterSummary[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM dead_letter_record
        WHERE ($2::text IS NULL OR dlq_topic = $2) AND ($3::text IS NULL OR reason_code = $3)
          AND ($4::timestamptz IS NULL OR (indexed_at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY indexed_at DESC, id DESC LIMIT $6`,
      this.targets,
      filter.topic ?? null,
      filter.reason ?? null,
      after?.at ?? null,
      after?.id ?? null,
      filter.limit + 1,
    );
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return { items, next: rows.length > filter.limit && last ? encodeCursor(last.indexedAt, last.id) : null };
  }

  async one(id: string): Promise<DeadLetterDetail | null> {
    const [row] = await this.db.$queryRawUnsafe<(DeadLetterSummary & { recordKey: Buffer | null; payload: Buffer; headers: Record<string, string> })[]>(
      `SELECT ${SUMMARY_COLUMNS}, record_key AS "recordKey", payload, headers FROM dead_letter_record WHERE id = $2::uuid`,
      this.targets,
      id,
    );
    if (!row) return null;
    const { recordKey, payload, headers, ...summary } = row;
    const redriveOf = headers[RedriveHeaders.of];
    return {
      ...summary,
      key: recordKey ? payloadView(recordKey) : null,
      payload: payloadView(payload),
      headers: Object.fromEntries(Object.entries(headers).map(([name, b64]) => [name, payloadView(Buffer.from(b64, 'base64'))])),
      redriveOf: redriveOf ? Buffer.from(redriveOf, 'base64').toString('utf8') : null,
    };
  }
}

const encodeCursor = (at: Date, id: string): string => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

/** A cursor this API handed out, or a 400 naming the field: never a query error from a forged one. */
function decodeCursor(cursor: string | undefined): { at: string; id: string } | null {
  if (cursor === undefined || cursor === '') return null;
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at) || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw ProblemException.badRequest('invalid cursor', [{ field: 'cursor', message: 'use the next value of the previous page' }]);
  }
  return { at, id };
}
