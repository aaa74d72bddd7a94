import { Kafka, logLevel, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
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

/** A kafkajs client of the test broker (or of `brokers`) authenticated as `auth`. */
export const kafkaClientAs = (auth: KafkaAuth, clientId = 'test-probe', brokers = TEST_ENV['KAFKA_BROKERS'].split(',')): Kafka =>
  new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, ...kafkaAuthOptions(auth) });

/** `topic:partition`: where the observer keeps its position. */
const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * A plain kafkajs producer and a from-the-start observer: what a partner or a downstream system
 * would use, with nothing of the platform's own code in between. It produces as the demo partner
 * (to its own topic) and observes as the admin (the platform's shared topics and dead letters),
 * unless told otherwise.
 *
 * The observer survives broker restarts without skipping a record: it keeps the next offset of
 * every partition it observes itself (never trusting a consumer group's committed offsets, which
 * a group that had nothing to commit yet does not have), and when its kafkajs consumer crashes -
 * kafkajs gives up for good on an error it deems not retriable, as an authentication failure
 * against a broker still starting - it starts a new one at those positions. `complete()` then reads
 * whatever is still missing between those positions and the topics' current ends.
 */
export class KafkaProbe {
  private readonly kafka: Kafka;
  private readonly observer: Kafka;
  private producer?: Producer;
  private consumer?: Consumer;
  private topics: string[] = [];
  /** Next offset to observe, per `topic:partition`; starts at the end when `observe()` was called. */
  private readonly positions = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private closed = false;
  /** Times the observer's consumer crashed and was started again at its positions. */
  restarts = 0;
  readonly records: ObservedRecord[] = [];
  private readonly listeners: ((r: ObservedRecord) => void)[] = [];

  /**
   * `retain: false` keeps no records, only calls the listeners: the bench observes too many to
   * hold without its own garbage collection showing in the latency it measures.
   */
  constructor(private readonly options: { retain?: boolean; producerAuth?: KafkaAuth; observerAuth?: KafkaAuth; observerGroupId?: string; brokers?: string[] } = {}) {
    this.kafka = kafkaClientAs(options.producerAuth ?? DEMO_KAFKA_AUTH, 'test-probe', options.brokers);
    this.observer = kafkaClientAs(options.observerAuth ?? ADMIN_KAFKA_AUTH, 'test-probe', options.brokers);
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
    this.topics = topics;
    for (const [topic, offsets] of await this.endOffsets(topics)) {
      for (const { partition, offset } of offsets) this.positions.set(partitionKey(topic, partition), { topic, partition, offset: BigInt(offset) });
    }
    const group = this.options.observerGroupId ?? `probe-${process.pid}-${Date.now()}`;
    // Right after a broker starts, its group coordinator may still be loading its offsets (a
    // retriable error kafkajs gives up on after its own few retries, which failed a whole test
    // file in CI): try again, with a fresh group each time, for about half a minute.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.startConsumer(attempt === 0 ? group : `${group}-${attempt}`);
        return;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, Math.min(8_000, 500 * 2 ** attempt)));
      }
    }
  }

  private async endOffsets(topics: string[]): Promise<Map<string, { partition: number; offset: string }[]>> {
    const admin = this.observer.admin();
    await admin.connect();
    try {
      const ends = new Map<string, { partition: number; offset: string }[]>();
      for (const topic of topics) ends.set(topic, await admin.fetchTopicOffsets(topic));
      return ends;
    } finally {
      await admin.disconnect();
    }
  }

  /** A consumer that starts every partition at the probe's own position and keeps it up to date. */
  private async startConsumer(groupId: string): Promise<void> {
    // kafkajs would restart a crashed consumer from the group's committed offsets (or the end of a
    // partition with none): the probe restarts it itself, from its own positions.
    // A record arriving ends the broker's wait at once (min bytes 1): 500 ms costs no observed
    // latency, and an idle observer makes 2 empty fetches a second instead of 20, as the platform's
    // consumers do (docs/benchmarks.md, "The observer's share of the broker").
    const consumer = this.observer.consumer({ groupId, maxWaitTimeInMs: 500, retry: { restartOnFailure: async () => false } });
    this.consumer = consumer;
    let joined = false;
    let assigned!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => [assigned, failed] = [resolve, reject]);
    // A crash before the first join fails this start (the caller tries again); after it, restarts.
    consumer.on(consumer.events.CRASH, ({ payload }) => (joined ? this.restartAfterCrash(consumer) : failed(payload.error)));
    void ready.catch(() => undefined); // awaited below; a failure before that is not unhandled
    const timer = setTimeout(() => failed(new Error('the observer did not join its group within 60 s')), 60_000);
    try {
      await this.runConsumer(consumer, () => {
        joined = true;
        assigned();
      });
      await ready;
    } finally {
      clearTimeout(timer);
    }
  }

  private async runConsumer(consumer: Consumer, onJoin: () => void): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: false });
    // Every (re)join: put each assigned partition back at the probe's position.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const at = this.positions.get(partitionKey(topic, partition));
          if (at) consumer.seek({ topic, partition, offset: at.offset.toString() });
        }
      }
      onJoin();
    });
    await consumer.run({
      // Its own positions are what it trusts (above), so it commits nothing: an OffsetCommit after
      // every fetch was half of the requests it sent, and at 200 alerts/s the bench's observer sent
      // the broker twice as many requests as the platform's own relay (docs/benchmarks.md, "The
      // observer's share of the broker").
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const at = this.positions.get(partitionKey(topic, partition));
        const offset = BigInt(message.offset);
        // Already observed (a re-read after a seek): each place on the topic counts once.
        if (at && offset < at.offset) return;
        this.positions.set(partitionKey(topic, partition), { topic, partition, offset: offset + 1n });
        this.accept(topic, message);
      },
    });
  }

  private restarting?: Promise<void>;

  private restartAfterCrash(crashed: Consumer): void {
    if (this.closed || crashed !== this.consumer || this.restarting) return;
    this.restarting = (async () => {
      await crashed.disconnect().catch(() => undefined);
      // A fresh group each time: no committed offsets and no old member to wait for.
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          this.restarts++;
          await this.startConsumer(`${this.options.observerGroupId ?? `probe-${process.pid}`}-${Date.now()}`);
          return;
        } catch {
          await this.consumer?.disconnect().catch(() => undefined);
          await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
        }
      }
    })().finally(() => (this.restarting = undefined));
  }

  private accept(topic: string, message: KafkaMessage): void {
    const value = message.value?.toString('utf8') ?? '';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    const record: ObservedRecord = { topic, key: message.key?.toString('utf8') ?? null, value, bytes: message.value ?? Buffer.alloc(0), headers, json: () => JSON.parse(value) };
    if (this.options.retain !== false) this.records.push(record);
    for (const listener of this.listeners) listener(record);
  }

  /**
   * Waits until the observer holds every record between where it started and the observed topics'
   * current ends (what was written before this call), and answers how far behind it was: records
   * observed before the call, and partitions not yet at their end then.
   */
  async complete(timeoutMs = 60_000): Promise<{ observedBefore: number; partitionsBehind: number }> {
    const observedBefore = this.records.length;
    const ends = await this.endOffsets(this.topics);
    const behind = () => {
      const out: string[] = [];
      for (const [topic, offsets] of ends) for (const { partition, offset } of offsets) if ((this.positions.get(partitionKey(topic, partition))?.offset ?? 0n) < BigInt(offset)) out.push(partitionKey(topic, partition));
      return out;
    };
    const partitionsBehind = behind().length;
    // A consumer that stalled without crashing gets the same treatment as a crashed one.
    if (!(await waitUntil(() => behind().length === 0, Math.min(15_000, timeoutMs / 2))) && this.consumer) this.restartAfterCrash(this.consumer);
    if (!(await waitUntil(() => behind().length === 0, timeoutMs))) throw new Error(`observer still behind the end of ${behind().join(', ')} after ${timeoutMs} ms (${this.restarts} restarts)`);
    return { observedBefore, partitionsBehind };
  }

  async waitFor(predicate: (r: ObservedRecord[]) => boolean, timeoutMs = 20_000, what = 'records'): Promise<ObservedRecord[]> {
    if (await waitUntil(() => predicate(this.records), timeoutMs)) return this.records;
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${this.records.length} records`);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.restarting;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
