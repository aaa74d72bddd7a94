import { type ICustomPartitioner, type Message, Partitioners, type RecordMetadata } from 'kafkajs';

/**
 * kafkajs 2.2.4 can resolve a `sendBatch` without writing some of its records (docs/reliability.md,
 * "The booking lost in a broker failover"): it keeps each broker's answer across its retries, so
 * when the broker leading partition P fails the request and P's leadership then moves to a broker
 * that already answered for its own partitions, the retry sends nothing to P and the call resolves.
 * The answer lists only the partitions that were written, so a sender can see the gap: this keeps
 * the partition kafkajs chose for each message (the partitioner receives the caller's message
 * objects) and tells which messages were not acknowledged, to be sent again.
 */
export class PartitionTracker {
  private readonly partitionOf = new WeakMap<Message, number>();

  /** The Java-compatible murmur2 partitioner (partners and our producers agree on partitions), recording its choice. */
  readonly createPartitioner: ICustomPartitioner = () => {
    const choose = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = choose(args);
      this.partitionOf.set(args.message, partition);
      return partition;
    };
  };

  /** The messages of `sent` whose partition is not among `acknowledged`, per topic and in their order. */
  unacknowledged(sent: { topic: string; messages: Message[] }[], acknowledged: RecordMetadata[]): { topic: string; messages: Message[] }[] {
    const written = new Set(acknowledged.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}\u0000${r.partition}`));
    return sent
      .map(({ topic, messages }) => ({
        topic,
        messages: messages.filter((message) => {
          const partition = this.partitionOf.get(message);
          // Never partitioned: kafkajs changed how it calls the partitioner, and the check would be blind.
          if (partition === undefined) throw new Error(`kafkajs did not partition a message for ${topic} through the tracking partitioner`);
          return !written.has(`${topic}\u0000${partition}`);
        }),
      }))
      .filter(({ messages }) => messages.length > 0);
  }
}
