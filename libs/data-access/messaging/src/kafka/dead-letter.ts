import { DeadLetterHeaders } from '@kuruma/contracts';
import type { ConsumedRecord } from './consumed-record';
import type { OutgoingRecord } from './event-producer';

/**
 * A record that cannot be processed goes to its topic's dead-letter topic unchanged, with why and
 * where it came from in headers, so it never blocks its partition and can be replayed after a fix.
 */
export function deadLetterRecord(record: ConsumedRecord, dlqTopic: string, reason: string, service: string): OutgoingRecord {
  return {
    topic: dlqTopic,
    key: record.key ?? `${record.topic}:${record.partition}:${record.offset}`,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...record.headers,
      [DeadLetterHeaders.reason]: reason.slice(0, 2_000),
      [DeadLetterHeaders.originalTopic]: record.topic,
      [DeadLetterHeaders.originalPartition]: String(record.partition),
      [DeadLetterHeaders.originalOffset]: record.offset,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
      [DeadLetterHeaders.service]: service,
    },
  };
}
