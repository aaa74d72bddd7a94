import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { TOPIC_SPECS } from '@kuruma/contracts';
import type { SqlTx } from '@kuruma/data-access-db';
import type { ServiceKit, TopicNames } from '@kuruma/service-kit';
import { DeadLetterIndex } from './dead-letter-index';
import { indexedDeadLetter } from './indexed-dead-letter';

/** The dead-letter topics of the platform (deployed names): every `*.dlq` of the topic list. */
export function deadLetterTopics(topics: TopicNames): string[] {
  return TOPIC_SPECS.filter((s) => s.deadLetterHeaders).map((s) => topics.of(s.name));
}

/**
 * Tails every dead-letter topic into the console's index (`dead_letter_record`), as one committed
 * consumer group shared by the console's instances: a batch is written, then its offsets are
 * committed, so a crash in between only re-reads rows the index already has (unique on the
 * record's place). The topics stay the truth; the index is what the console can list and count.
 */
export class DeadLetterIndexer {
  private consumer?: Consumer;
  private running = false;
  private lastError: Error | null = null;
  private readonly index: DeadLetterIndex;
  private readonly indexed;

  constructor(
    private readonly kafka: Kafka,
    db: SqlTx,
    private readonly topics: TopicNames,
    private readonly groupId: string,
    private readonly kit: ServiceKit,
  ) {
    this.index = new DeadLetterIndex(db);
    // A rising rate on a dead-letter topic is what an operator alerts on (a batch read again after a restart counts again).
    this.indexed = kit.metrics.counter('kuruma_dead_letters_indexed_total', 'Dead-letter records read into the console index, per dead-letter topic', ['topic']);
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      this.lastError = e.payload.error;
      this.running = e.payload.restart;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: deadLetterTopics(this.topics), fromBeginning: true });
    // kafkajs commits a batch's offsets after eachBatch resolves: after the rows are in Postgres.
    await consumer.run({ eachBatch: (payload) => this.indexBatch(payload) });
    this.running = true;
    this.kit.health.register({ name: 'dead-letter-index', check: async () => this.check() });
    this.kit.shutdown.register('dead-letter-index', () => this.close(), 'consumers');
  }

  private async indexBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    await this.index.add(batch.messages.map((m) => indexedDeadLetter(batch.topic, batch.partition, m)));
    this.indexed.inc({ topic: batch.topic }, batch.messages.length);
    await heartbeat();
  }

  private check(): void {
    if (!this.running) throw this.lastError ?? new Error('dead-letter indexer not running');
  }

  async close(): Promise<void> {
    this.running = false;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}
