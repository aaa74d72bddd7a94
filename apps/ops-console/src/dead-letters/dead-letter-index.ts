import type { SqlTx } from '@kuruma/data-access-db';
import type { IndexedDeadLetter } from './indexed-dead-letter';

/**
 * Writes the console's dead-letter index. Keyed by the record's place on its dead-letter topic:
 * a batch read again (the indexer restarted before committing its offsets) inserts nothing twice.
 */
export class DeadLetterIndex {
  constructor(private readonly db: SqlTx) {}

  async add(rows: IndexedDeadLetter[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement per batch; bytes travel base64-encoded inside one JSON document.
    const doc = JSON.stringify(
      rows.map((r) => ({
        dlq_topic: r.dlqTopic,
        dlq_partition: r.dlqPartition,
        dlq_offset: r.dlqOffset,
        original_topic: r.originalTopic,
        original_partition: r.originalPartition,
        original_offset: r.originalOffset,
        reason: r.reason,
        reason_code: r.reasonCode,
        attempts: r.attempts,
        service: r.service,
        failed_at: r.failedAt?.toISOString() ?? null,
        record_key: r.key?.toString('base64') ?? null,
        payload: r.payload.toString('base64'),
        headers: r.headers,
      })),
    );
    await this.db.$executeRaw`
      INSERT INTO dead_letter_record (dlq_topic, dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
                                      reason, reason_code, attempts, service, failed_at, record_key, payload, headers)
      SELECT dlq_topic, dlq_partition, dlq_offset, original_topic, original_partition, original_offset, reason, reason_code, attempts,
             service, failed_at, decode(record_key, 'base64'), decode(payload, 'base64'), headers
        FROM json_to_recordset(${doc}::json) AS x(dlq_topic text, dlq_partition int, dlq_offset bigint, original_topic text, original_partition int,
             original_offset bigint, reason text, reason_code text, attempts int, service text, failed_at timestamptz, record_key text, payload text, headers jsonb)
      ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING`;
  }

  /**
   * Deletes up to `batch` index rows indexed before `before`, and as many of claims-trigger's
   * device dead letters received before it; the counts deleted.
   */
  async purgeOlderThan(before: Date, batch: number): Promise<{ indexed: number; device: number }> {
    const indexed = await this.db.$executeRaw`
      DELETE FROM dead_letter_record WHERE id = ANY (ARRAY(SELECT id FROM dead_letter_record WHERE indexed_at < ${before} ORDER BY indexed_at LIMIT ${batch}))`;
    const device = await this.db.$executeRaw`
      DELETE FROM dead_letter WHERE id = ANY (ARRAY(SELECT id FROM dead_letter WHERE received_at < ${before} LIMIT ${batch}))`;
    return { indexed, device };
  }
}
