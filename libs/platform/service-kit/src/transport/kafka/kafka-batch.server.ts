import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { BatchConsumer, type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord, parseJsonMessage } from '@kuruma/data-access-messaging';
import type { ServiceKit } from '../../service-kit.module';
import type { TopicNames } from '../../platform/topic-names';
import { reportStuckSeconds } from '../shared/stuck-seconds';
import { awaitHandler } from '../shared/await-handler';
import { KAFKA_BATCH_TRANSPORT, KAFKA_ROUTE_EXTRAS, type KafkaTopicRoute } from './kafka-batch.pattern';
import { type DecodedRecord, KafkaChunkContext } from './kafka-chunk.context';
import { listenWhenStarted } from '../shared/listen-when-started';

export interface KafkaBatchServerOptions {
  kit: ServiceKit;
  kafka: Kafka;
  /** Writes dead letters. */
  producer: EventProducer;
  topics: TopicNames;
  groupId: string;
  stuckAfterMs: number;
  /** Attempts before a record that keeps failing is dead-lettered (CONSUMER_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** How long applied offsets may wait to be committed together (CONSUMER_COMMIT_INTERVAL_MS). */
  commitIntervalMs?: number;
  /** How often topics accepted by a route's `alsoFrom` are looked for (KAFKA_TOPIC_REDISCOVER_MS). */
  rediscoverMs?: number;
}

interface Route {
  pattern: string;
  topic: string;
  options: KafkaTopicRoute;
  deadLetterTopic?: string;
  handler: MessageHandler;
}

/**
 * Nest transport over the platform's batch consumer: every `@ConsumeTopic` handler of the app gets
 * whole chunks of its topic's records, decoded and validated here once for every consumer, and a
 * chunk's offsets are committed only after its handler has resolved. Records that fail their schema
 * or that the handler refuses go to the pattern's dead-letter topic with the reason; a record that
 * keeps failing goes there after `maxAttempts` (see BatchConsumer), while outages are retried in
 * order for as long as they last. Nest's own Kafka transport commits after handler errors and has
 * no dead-letter path, which is why this one exists.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  override readonly transportId = KAFKA_BATCH_TRANSPORT;
  private consumer?: BatchConsumer;
  private routes: Route[] = [];

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    listenWhenStarted(() => this.start(), callback);
  }

  private async start(): Promise<void> {
    const { kit, kafka, topics, groupId } = this.options;
    this.routes = [...this.getHandlers()].map(([pattern, handler]) => {
      const options = (handler.extras?.[KAFKA_ROUTE_EXTRAS] ?? undefined) as KafkaTopicRoute | undefined;
      if (!options) throw new Error(`@EventPattern('${pattern}') on the Kafka transport needs @ConsumeTopic's schema`);
      return { pattern, topic: topics.of(pattern), options, handler, deadLetterTopic: options.deadLetter ? topics.of(options.deadLetter) : undefined };
    });
    if (this.routes.length === 0) return;
    const filters = this.routes.filter((r) => r.options.alsoFrom);
    const records = kit.metrics.counter('kuruma_consumed_records_total', 'Kafka records applied', ['group']);
    const chunkSeconds = kit.metrics.histogram('kuruma_consumer_chunk_seconds', 'Time to apply one chunk of records', ['group']);
    const deadLettered = kit.metrics.counter('kuruma_consumer_dead_lettered_total', 'Records sent to a dead-letter topic, by the first word of the reason', ['group', 'reason']);
    this.deadLettered = (reason) => deadLettered.inc({ group: groupId, reason: reason.split(/[:\s]/, 1)[0] });
    const consumer = new BatchConsumer({
      kafka,
      groupId,
      topics: this.routes.map((r) => r.topic),
      topicFilter: filters.length ? (name) => filters.some((r) => r.options.alsoFrom?.(name, topics)) : undefined,
      rediscoverMs: this.options.rediscoverMs,
      logger: kit.logger.child({ component: 'consumer', groupId }),
      handle: (chunk) => this.dispatch(chunk),
      deadLetter: async (record, reason, attempts) => {
        const letter = this.deadLetterOf(record, reason, attempts);
        if (!letter) return this.skip(record, reason);
        await this.options.producer.send([letter]);
      },
      maxAttempts: this.options.maxAttempts,
      commitIntervalMs: this.options.commitIntervalMs,
      dependenciesHealthy: () => kit.health.dependenciesHealthy(),
      stuckAfterMs: this.options.stuckAfterMs,
      onChunk: (n, ms) => {
        records.inc({ group: groupId }, n);
        chunkSeconds.observe({ group: groupId }, ms / 1000);
      },
      // kafkajs gave up: exit so the supervisor restarts us; uncommitted work is redelivered.
      onCrash: (error) => {
        kit.logger.fatal({ err: error }, 'consumer stopped for good; exiting for a restart');
        setTimeout(() => process.exit(70), 100);
      },
    });
    await consumer.start();
    this.consumer = consumer;
    reportStuckSeconds(kit, groupId, consumer.progress);
    kit.health.register({ name: `consumer:${groupId}`, check: () => consumer.check() });
    kit.shutdown.register(`consumer:${groupId}`, () => consumer.stop(), 'consumers');
  }

  private deadLettered: (reason: string) => void = () => undefined;

  /** Hands each route its records of the chunk (a chunk may join several partitions' records). */
  private async dispatch(chunk: ConsumedRecord[]): Promise<void> {
    const byRoute = new Map<Route, ConsumedRecord[]>();
    for (const record of chunk) {
      const route = this.routeOf(record.topic);
      if (!route) throw new Error(`no handler for topic ${record.topic}`);
      const list = byRoute.get(route);
      if (list) list.push(record);
      else byRoute.set(route, [record]);
    }
    for (const [route, records] of byRoute) await this.apply(route, records);
  }

  /** Each topic's route, found once: a chunk asks for every record, and `alsoFrom` runs a pattern. */
  private readonly routeByTopic = new Map<string, Route | undefined>();

  private routeOf(topic: string): Route | undefined {
    if (!this.routeByTopic.has(topic)) {
      this.routeByTopic.set(topic, this.routes.find((r) => r.topic === topic) ?? this.routes.find((r) => r.options.alsoFrom?.(topic, this.options.topics)));
    }
    return this.routeByTopic.get(topic);
  }

  private async apply(route: Route, records: ConsumedRecord[]): Promise<void> {
    const decoded: DecodedRecord<unknown>[] = [];
    const refused: { record: ConsumedRecord; reason: string }[] = [];
    for (const record of records) {
      const parsed = parseJsonMessage(route.options.schema, record.value);
      if (parsed.ok) decoded.push({ data: parsed.value, source: record });
      else refused.push({ record, reason: parsed.reason });
    }
    const context = new KafkaChunkContext([records, this.options.groupId, refused]);
    // Also when every record failed its schema: the handler may account for its refusals.
    if (decoded.length > 0 || refused.length > 0) {
      await new Promise<void>((resolve, reject) => {
        this.onProcessingStartHook(this.transportId, context, () => awaitHandler(route.handler, decoded, context).then(resolve, reject));
      });
      this.onProcessingEndHook?.(this.transportId, context);
    }
    const letters: OutgoingRecord[] = [];
    for (const { record, reason } of refused) {
      const letter = this.deadLetterOf(record, reason, 1);
      if (letter) letters.push(letter);
      else this.skip(record, reason);
    }
    await this.options.producer.send(letters);
    for (const { reason } of refused) this.deadLettered(reason);
  }

  private deadLetterOf(record: ConsumedRecord, reason: string, attempts: number): OutgoingRecord | undefined {
    const topic = this.routeOf(record.topic)?.deadLetterTopic;
    return topic ? deadLetterRecord(record, topic, reason, this.options.kit.name, attempts) : undefined;
  }

  private skip(record: ConsumedRecord, reason: string): void {
    this.options.kit.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record skipped: its pattern has no dead-letter topic');
  }

  /** Stops consuming after the chunk in flight (also done by the ordered drain; idempotent). */
  async close(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  on(): never {
    throw new Error('KafkaBatchServer has no events to listen to; its state is in /health/ready and the metrics');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
