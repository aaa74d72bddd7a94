import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';
import { KafkaChunkContext } from './kafka-chunk.context';

const record = (topic: string, partition: number, offset: string): ConsumedRecord => ({ topic, partition, offset, key: null, value: null, headers: {}, timestamp: '0' });

describe(KafkaChunkContext.name, () => {
  it('tells the handler which offsets of which partitions the chunk holds (chunks of several partitions share one call)', () => {
    const sut = new KafkaChunkContext([[record('a', 0, '5'), record('a', 0, '6'), record('a', 2, '40'), record('b', 0, '7'), record('a', 0, '9')], 'kuruma.policy', []]);
    expect(sut.getGroupId()).toBe('kuruma.policy');
    expect(sut.getPartitions()).toEqual([
      { topic: 'a', partition: 0, firstOffset: '5', lastOffset: '9' },
      { topic: 'a', partition: 2, firstOffset: '40', lastOffset: '40' },
      { topic: 'b', partition: 0, firstOffset: '7', lastOffset: '7' },
    ]);
  });

  it('collects the records the handler refuses, with the reason, for the transport to dead-letter', () => {
    const refused: { record: ConsumedRecord; reason: string }[] = [];
    const r = record('a', 0, '5');
    new KafkaChunkContext([[r], 'g', refused]).refuse(r, 'unknown-partner: x');
    expect(refused).toEqual([{ record: r, reason: 'unknown-partner: x' }]);
  });
});
