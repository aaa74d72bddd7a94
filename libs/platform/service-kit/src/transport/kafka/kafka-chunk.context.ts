import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';

/** One record of a chunk, its value decoded and validated against the pattern's schema. */
export interface DecodedRecord<T> {
  readonly data: T;
  readonly source: ConsumedRecord;
}

export interface PartitionSpan {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

type Args = [records: readonly ConsumedRecord[], groupId: string, refused: { record: ConsumedRecord; reason: string }[]];

/**
 * What a chunk handler knows besides the decoded records: every record as received (including those
 * that failed the schema and are already on their way to the dead-letter topic), where they came
 * from, and a way to refuse a valid-looking record (it goes to the dead-letter topic with the
 * reason, once the handler has resolved).
 */
export class KafkaChunkContext extends BaseRpcContext<Args> {
  getRecords(): readonly ConsumedRecord[] {
    return this.args[0];
  }

  getGroupId(): string {
    return this.args[1];
  }

  /** The offsets of each topic-partition in the chunk. */
  getPartitions(): PartitionSpan[] {
    const spans = new Map<string, PartitionSpan>();
    for (const r of this.args[0]) {
      const key = `${r.topic}\u0000${r.partition}`;
      const span = spans.get(key);
      if (!span) spans.set(key, { topic: r.topic, partition: r.partition, firstOffset: r.offset, lastOffset: r.offset });
      else span.lastOffset = r.offset;
    }
    return [...spans.values()];
  }

  /** Dead-letters `record` with `reason` (`<code>: <detail>`) when the chunk is committed. */
  refuse(record: ConsumedRecord, reason: string): void {
    this.args[2].push({ record, reason });
  }
}
