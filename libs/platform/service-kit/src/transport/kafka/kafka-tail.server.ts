import { randomUUID } from 'node:crypto';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, Kafka } from 'kafkajs';
import type { ServiceKit } from '../../service-kit.module';
import type { TopicNames } from '../../platform/topic-names';
import { awaitHandler } from '../shared/await-handler';
import { KAFKA_TAIL_TRANSPORT, type TailedRecord } from './kafka-tail.pattern';
import { listenWhenStarted } from '../shared/listen-when-started';

export interface KafkaTailServerOptions {
  kit: ServiceKit;
  kafka: Kafka;
  topics: TopicNames;
  /** Group id prefix; each process adds a random suffix, so it is the group's only member. */
  groupPrefix: string;
  /** How far back each start reads (e.g. LIVE_BACKFILL_MS). */
  backfillMs: number;
  /** At most this many records are replayed at a start, shared among the partitions. */
  replayLimit: number;
  /** Health check name (default `tail:<groupPrefix>`). */
  healthName?: string;
}

/**
 * Nest transport for readers that show what the platform publishes and must never compete with
 * the services consuming it: every `@TailTopic` handler of the app gets each record of its topic.
 * The process is its own consumer group and never commits; on start it rewinds to `backfillMs`
 * ago (at most `replayLimit` records), so a restarted reader shows the recent past again.
 */
export class KafkaTailServer extends Server implements CustomTransportStrategy {
  override readonly transportId = KAFKA_TAIL_TRANSPORT;
  private consumer?: Consumer;
  private running = false;
  private lastError: Error | null = null;
  private topicNames: string[] = [];

  constructor(private readonly options: KafkaTailServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    listenWhenStarted(() => this.start(), callback);
  }

  private async start(): Promise<void> {
    const { kit, kafka, topics, groupPrefix } = this.options;
    const routes = new Map<string, MessageHandler>([...this.getHandlers()].map(([pattern, handler]) => [topics.of(pattern), handler]));
    if (routes.size === 0) return;
    this.topicNames = [...routes.keys()];
    const logger = kit.logger.child({ component: 'kafka-tail', groupPrefix });
    const consumer = kafka.consumer({
      groupId: `${groupPrefix}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      // The broker answers a fetch once 64 KiB are waiting or 250 ms have passed: answering at the
      // first byte (kafkajs' default) costs a fetch round trip per event or two on a busy topic,
      // and a quarter of a second is invisible on a screen people watch.
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 250,
      // The replay at start reads as fast as the broker answers; small fetches keep that burst
      // from growing the heap for good (kafkajs' default is 10 MiB per fetch).
      maxBytes: 1024 * 1024,
      maxBytesPerPartition: 256 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      this.lastError = e.payload.error;
      this.running = false;
    });
    // Rewind once the group has assigned the partitions, and only report running after that: a
    // seek issued before the first join races with kafkajs' initial "latest" offsets and can skip
    // records published meanwhile.
    let joined!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    let rewound = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (rewound) return;
      rewound = true;
      void this.rewind().then(joined, (error: unknown) => {
        logger.warn({ err: error }, 'tail reader could not rewind; reading from now');
        joined();
      });
    });
    await consumer.connect();
    for (const topic of this.topicNames) await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const handler = routes.get(batch.topic);
        if (!handler || batch.messages.length === 0) return;
        const { topic, partition } = batch;
        const records: TailedRecord[] = batch.messages.map((m) => ({ topic, partition, offset: m.offset, value: m.value }));
        // A batch the handler cannot show is skipped: a tail reader never holds a partition up.
        await awaitHandler(handler, records, undefined).catch((error: unknown) =>
          logger.warn({ err: error, topic, partition, firstOffset: batch.firstOffset(), lastOffset: batch.lastOffset() }, 'tailed batch skipped'),
        );
      },
    });
    await Promise.race([firstJoin, new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    this.running = true;
    kit.health.register({ name: this.options.healthName ?? `tail:${groupPrefix}`, check: async () => this.check() });
    kit.shutdown.register(`tail:${groupPrefix}`, () => this.close(), 'consumers');
  }

  /**
   * Seeks each partition to `backfillMs` ago, but no further back than `replayLimit` records in
   * all: a busy period replayed whole would cost long seconds of CPU to keep only the last ones.
   */
  private async rewind(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const since = Date.now() - this.options.backfillMs;
      const positions: { topic: string; partition: number; fromTime: bigint; end: bigint }[] = [];
      for (const topic of this.topicNames) {
        const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, since), admin.fetchTopicOffsets(topic)]);
        for (const { partition, offset } of byTime) {
          const end = BigInt(ends.find((e) => e.partition === partition)?.high ?? offset);
          positions.push({ topic, partition, fromTime: BigInt(offset), end });
        }
      }
      const share = BigInt(Math.ceil(this.options.replayLimit / Math.max(1, positions.length)));
      for (const { topic, partition, fromTime, end } of positions) {
        this.consumer?.seek({ topic, partition, offset: replayFrom(fromTime, end, share).toString() });
      }
    } finally {
      await admin.disconnect();
    }
  }

  private check(): void {
    if (!this.running) throw this.lastError ?? new Error('tail reader not running');
  }

  /** Stops reading (also done by the ordered drain; idempotent). */
  async close(): Promise<void> {
    this.running = false;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  on(): never {
    throw new Error('KafkaTailServer has no events to listen to; its state is in /health/ready');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

/**
 * Where one partition's replay starts: at the first offset of the backfill period (`fromTime`;
 * negative when Kafka has none, then the end), but no more than `share` records before the end.
 */
export function replayFrom(fromTime: bigint, end: bigint, share: bigint): bigint {
  if (fromTime < 0n) return end;
  const floor = end - share;
  return fromTime > floor ? fromTime : floor;
}
