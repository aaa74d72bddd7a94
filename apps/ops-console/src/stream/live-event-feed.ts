import type { Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LiveEventBuffer } from './live-event-buffer';

/**
 * Reads the public policy and claim topics into the live buffer. Each console process is its own
 * consumer group and never commits: on start it rewinds to `backfillMs` ago, so a restarted console
 * shows the last hour again instead of a blank screen, and it never competes with the services.
 */
export class LiveEventFeed {
  private consumer: Consumer | null = null;
  private running = false;
  private lastError: Error | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
    private readonly buffer: LiveEventBuffer,
    private readonly backfillMs: number,
    private readonly groupPrefix: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}.ops-console.${randomUUID()}`,
      allowAutoTopicCreation: false,
      // The broker answers a fetch once 64 KiB are waiting or 250 ms have passed. With kafkajs'
      // defaults (answer at the first byte) a busy stream meant one fetch per event or two: under
      // 200 claims/s the console spent a third of a core on fetch round trips. A quarter of a
      // second is invisible on a screen people watch.
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 250,
      // Replaying the last hour at start reads as fast as the broker answers; small fetches keep
      // that burst from growing the heap (kafkajs' default is 10 MiB per fetch) for good.
      maxBytes: 1024 * 1024,
      maxBytesPerPartition: 256 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      this.lastError = e.payload.error;
      this.running = false;
    });
    // Rewind once the group has assigned the partitions, and only report running after that: a
    // seek issued before the first join raced with kafkajs' initial "latest" offsets and could
    // skip events published meanwhile.
    let joined!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    let rewound = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (rewound) return;
      rewound = true;
      void this.rewind().then(joined, (error: unknown) => {
        this.logger.warn({ err: error }, 'live feed could not rewind; streaming from now');
        joined();
      });
    });
    await consumer.connect();
    for (const topic of this.topics) await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        try {
          const event = JSON.parse(message.value?.toString('utf8') ?? '') as { id: string; type: string; time: string; data: Record<string, unknown> };
          this.buffer.push({
            id: event.id,
            type: event.type,
            time: event.time,
            partnerId: typeof event.data?.['partnerId'] === 'string' ? event.data['partnerId'] : null,
            vehicleId: typeof event.data?.['vehicleId'] === 'string' ? event.data['vehicleId'] : null,
            dataJson: JSON.stringify(event.data ?? null),
          });
        } catch (error) {
          // The platform only publishes valid events here; anything else is logged, not streamed.
          this.logger.warn({ err: error, topic, offset: message.offset }, 'unreadable public event skipped');
        }
      },
    });
    await Promise.race([firstJoin, new Promise((r) => setTimeout(r, 60_000))]);
    this.running = true;
  }

  /**
   * Seeks each partition to `backfillMs` ago, but no further back than the ring can hold: after a
   * busy hour (100,000+ events after a few benchmark runs) replaying all of it kept the console at
   * more than a core for 10-20 s to end with the same 20,000 events. Each partition replays at
   * most its share of the ring's capacity; an hour that fits the ring replays whole.
   */
  private async rewind(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const since = Date.now() - this.backfillMs;
      const positions: { topic: string; partition: number; fromTime: bigint; end: bigint }[] = [];
      for (const topic of this.topics) {
        const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, since), admin.fetchTopicOffsets(topic)]);
        for (const { partition, offset } of byTime) {
          const end = BigInt(ends.find((e) => e.partition === partition)?.high ?? offset);
          positions.push({ topic, partition, fromTime: BigInt(offset), end });
        }
      }
      const share = BigInt(Math.ceil(this.buffer.capacity / Math.max(1, positions.length)));
      for (const { topic, partition, fromTime, end } of positions) {
        this.consumer?.seek({ topic, partition, offset: replayFrom(fromTime, end, share).toString() });
      }
    } finally {
      await admin.disconnect();
    }
  }

  check(): void {
    if (!this.running) throw this.lastError ?? new Error('live feed not running');
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
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
