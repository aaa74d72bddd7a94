import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** One record to put back on its original topic, and where it landed. */
export interface RedriveRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, Buffer>;
}

/**
 * The console's only producer, used for redrives: idempotent, acks=all, the Java-compatible
 * partitioner (the record's key puts it on the partition it came from). Connected on the first
 * redrive, so a console nobody redrives from holds no producer connection. Retries are bounded:
 * an operator waits for the answer, and a redrive that cannot reach the broker says so.
 */
export class RedriveProducer {
  private readonly producer: Producer;
  private connecting?: Promise<void>;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  /** Resolves with the record's partition and offset once all in-sync replicas have it. */
  async send(record: RedriveRecord): Promise<{ partition: number; offset: string }> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    const [meta] = await this.producer.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: record.headers }] });
    if (!meta?.baseOffset) throw new Error(`the broker did not answer with an offset for ${record.topic}`);
    return { partition: meta.partition, offset: meta.baseOffset };
  }

  async disconnect(): Promise<void> {
    if (this.connecting) await this.producer.disconnect();
  }
}
