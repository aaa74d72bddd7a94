import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { type KafkaAuth, kafkaAuthOptions } from '@kuruma/data-access-messaging';
import { ADMIN_KAFKA_AUTH, DEMO_KAFKA_AUTH, TEST_ENV } from './test-env';
import { waitUntil } from './wait-until';

export interface ObservedRecord {
  topic: string;
  key: string | null;
  value: string;
  /** The value byte for byte (for records that are not UTF-8 text). */
  bytes: Buffer;
  headers: Record<string, string>;
  json<T = Record<string, unknown>>(): T;
}

/** A kafkajs client of the test broker authenticated as `auth`. */
export const kafkaClientAs = (auth: KafkaAuth, clientId = 'test-probe'): Kafka =>
  new Kafka({ clientId, brokers: TEST_ENV['KAFKA_BROKERS'].split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOptions(auth) });

/**
 * A plain kafkajs producer and a from-the-start observer: what a partner or a downstream system
 * would use, with nothing of the platform's own code in between. It produces as the demo partner
 * (to its own topic) and observes as the admin (the platform's shared topics and dead letters),
 * unless told otherwise.
 */
export class KafkaProbe {
  private readonly kafka: Kafka;
  private readonly observer: Kafka;
  private producer?: Producer;
  private consumer?: Consumer;
  readonly records: ObservedRecord[] = [];
  private readonly listeners: ((r: ObservedRecord) => void)[] = [];

  /**
   * `retain: false` keeps no records, only calls the listeners: the bench observes too many to
   * hold without its own garbage collection showing in the latency it measures.
   */
  constructor(private readonly options: { retain?: boolean; producerAuth?: KafkaAuth; observerAuth?: KafkaAuth; observerGroupId?: string } = {}) {
    this.kafka = kafkaClientAs(options.producerAuth ?? DEMO_KAFKA_AUTH);
    this.observer = kafkaClientAs(options.observerAuth ?? ADMIN_KAFKA_AUTH);
  }

  /** Calls `listener` for every record observed from now on. */
  onRecord(listener: (r: ObservedRecord) => void): void {
    this.listeners.push(listener);
  }

  private connecting?: Promise<Producer>;

  async produce(topic: string, messages: { key: string; value: string | Buffer; headers?: Record<string, string> }[]): Promise<void> {
    // One shared connection, even when many sends start at once (the bench's open-loop load).
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
      return producer;
    })();
    const producer = await this.connecting;
    await producer.send({ topic, acks: -1, messages });
  }

  /** Observes topics from their current end (so earlier runs' records do not count). */
  async observe(topics: string[]): Promise<void> {
    const admin = this.observer.admin();
    await admin.connect();
    const ends = new Map<string, { partition: number; offset: string }[]>();
    for (const topic of topics) ends.set(topic, await admin.fetchTopicOffsets(topic));
    await admin.disconnect();
    this.consumer = this.observer.consumer({ groupId: this.options.observerGroupId ?? `probe-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: false });
    let assigned!: () => void;
    const ready = new Promise<void>((r) => (assigned = r));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => assigned());
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value?.toString('utf8') ?? '';
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
        const record: ObservedRecord = { topic, key: message.key?.toString('utf8') ?? null, value, bytes: message.value ?? Buffer.alloc(0), headers, json: () => JSON.parse(value) };
        if (this.options.retain !== false) this.records.push(record);
        for (const listener of this.listeners) listener(record);
      },
    });
    await ready;
    for (const [topic, offsets] of ends) for (const { partition, offset } of offsets) this.consumer.seek({ topic, partition, offset });
  }

  async waitFor(predicate: (r: ObservedRecord[]) => boolean, timeoutMs = 20_000, what = 'records'): Promise<ObservedRecord[]> {
    if (await waitUntil(() => predicate(this.records), timeoutMs)) return this.records;
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${this.records.length} records`);
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
