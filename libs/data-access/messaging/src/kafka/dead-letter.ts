import { DeadLetterHeaders, toStorableText } from '@kuruma/contracts';
import type { ConsumedRecord } from './consumed-record';
import type { OutgoingRecord } from './event-producer';

/**
 * A record that cannot be processed goes to its topic's dead-letter topic unchanged (value, key and
 * headers byte for byte: invalid UTF-8, NUL and records up to the source topic's limit all fit,
 * the dead-letter topics allow 1 MiB more for these headers), with why and where it came from in
 * headers, so it never blocks its partition and can be replayed after a fix.
 */
export function deadLetterRecord(record: ConsumedRecord, dlqTopic: string, reason: string, service: string, attempts = 1): OutgoingRecord {
  return {
    topic: dlqTopic,
    key: record.raw?.key ?? record.key ?? `${record.topic}:${record.partition}:${record.offset}`,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...(record.raw?.headers ?? record.headers),
      [DeadLetterHeaders.reason]: toStorableText(reason.slice(0, 2_000)),
      [DeadLetterHeaders.originalTopic]: record.topic,
      [DeadLetterHeaders.originalPartition]: String(record.partition),
      [DeadLetterHeaders.originalOffset]: record.offset,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
      [DeadLetterHeaders.service]: service,
      [DeadLetterHeaders.attempts]: String(attempts),
    },
  };
}
