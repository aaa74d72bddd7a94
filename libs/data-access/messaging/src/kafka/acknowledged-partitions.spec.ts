import type { Message, PartitionMetadata, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { PartitionTracker } from './acknowledged-partitions';

const partitionMetadata: PartitionMetadata[] = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: (partitionId % 3) + 1, replicas: [1, 2, 3], isr: [1, 2, 3], partitionErrorCode: 0 }));
const ack = (topicName: string, partition: number): RecordMetadata => ({ topicName, partition, errorCode: 0, baseOffset: '0' });

describe(PartitionTracker.name, () => {
  const sut = new PartitionTracker();
  const partition = sut.createPartitioner();
  const messages: Message[] = Array.from({ length: 40 }, (_, i) => ({ key: `booking-${i}`, value: `event-${i}` }));
  const chosen = messages.map((message) => partition({ topic: 'kuruma.booking-accepted.v1', partitionMetadata, message }));

  it("finds nothing to resend when kafkajs's answer covers every partition it chose", () => {
    const acknowledged = [...new Set(chosen)].map((p) => ack('kuruma.booking-accepted.v1', p));
    expect(sut.unacknowledged([{ topic: 'kuruma.booking-accepted.v1', messages }], acknowledged)).toEqual([]);
  });

  it('returns, in order, exactly the messages of a partition missing from the answer (the leader that moved to a broker which had answered)', () => {
    const missing = chosen[0] as number;
    const acknowledged = [...new Set(chosen)].filter((p) => p !== missing).map((p) => ack('kuruma.booking-accepted.v1', p));
    const [resend] = sut.unacknowledged([{ topic: 'kuruma.booking-accepted.v1', messages }], acknowledged);
    expect(resend?.messages).toEqual(messages.filter((_, i) => chosen[i] === missing));
    expect(resend?.messages.length).toBeGreaterThan(0);
  });

  it('matches partitions per topic: the same partition number acknowledged on another topic does not count', () => {
    const acknowledged = [...new Set(chosen)].map((p) => ack('another-topic', p));
    expect(sut.unacknowledged([{ topic: 'kuruma.booking-accepted.v1', messages }], acknowledged)[0]?.messages).toEqual(messages);
  });

  it('refuses to judge a message kafkajs never partitioned through it, rather than call it written', () => {
    expect(() => sut.unacknowledged([{ topic: 't', messages: [{ key: 'k', value: 'v' }] }], [])).toThrow(/did not partition/);
  });
});
