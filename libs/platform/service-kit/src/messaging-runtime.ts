import type { Kafka } from 'kafkajs';
import { createDatabase, type Database, SqlDatabase, type SqlTx } from '@kuruma/data-access-db';
import { BatchConsumer, type BatchConsumerOptions, createKafka, deadLetterRecord, EventProducer, type KafkaAuth, OutboxRelay, PartnerTopicRouter, type StuckWatch } from '@kuruma/data-access-messaging';
import type { ServiceKit } from './service-kit.module';

/**
 * Wires the data plane of a service into health, metrics and graceful shutdown, so every service
 * gets the same guarantees: consumers stop (committing only applied offsets) before the producer
 * flushes and the database pool closes.
 */
export function connectDatabase(kit: ServiceKit, url: string, poolSize: number): Database {
  const db = createDatabase({ url, poolSize, applicationName: kit.name });
  kit.health.register({ name: 'postgres', check: async () => void (await db.$queryRaw`SELECT 1`) });
  kit.shutdown.register('postgres', () => db.$disconnect());
  return db;
}

/**
 * Services whose writes go through {@link connectSql} keep a small Prisma pool for their reads
 * (HTTP read side, partner and device lookups): a quarter of DATABASE_POOL_SIZE, at least 2.
 */
export const readerPoolSize = (poolSize: number): number => Math.max(2, Math.ceil(poolSize / 4));

/**
 * node-postgres pool for the write paths (see SqlDatabase); health-checked and closed on shutdown
 * like the Prisma client.
 */
export function connectSql(kit: ServiceKit, url: string, poolSize: number): SqlDatabase {
  const sql = new SqlDatabase({ url, poolSize, applicationName: kit.name, onIdleError: (err) => kit.logger.warn({ err: err.message }, 'idle database connection lost') });
  kit.health.register({ name: 'postgres-writer', check: async () => void (await sql.$queryRaw`SELECT 1`) });
  kit.shutdown.register('postgres-writer', () => sql.end());
  return sql;
}

/** The service's Kafka client, authenticated as the service's own principal. */
export function createServiceKafka(
  kit: ServiceKit,
  config: { KAFKA_BROKERS: string[]; KAFKA_SECURITY_PROTOCOL: KafkaAuth['securityProtocol']; KAFKA_SASL_MECHANISM: KafkaAuth['saslMechanism']; KAFKA_SSL_CA_FILE: string; KAFKA_USERNAME: string; KAFKA_PASSWORD: string },
): Kafka {
  const auth: KafkaAuth = {
    securityProtocol: config.KAFKA_SECURITY_PROTOCOL,
    saslMechanism: config.KAFKA_SASL_MECHANISM,
    sslCaFile: config.KAFKA_SSL_CA_FILE,
    username: config.KAFKA_USERNAME,
    password: config.KAFKA_PASSWORD,
  };
  return createKafka({ brokers: config.KAFKA_BROKERS, clientId: kit.name, auth }, kit.logger);
}

export async function connectProducer(kit: ServiceKit, kafka: Kafka): Promise<EventProducer> {
  const producer = new EventProducer(kafka);
  await producer.connect();
  kit.health.register({ name: 'kafka-producer', check: () => producer.check() });
  kit.shutdown.register('kafka-producer', () => producer.disconnect());
  return producer;
}

const stuckWatches = new WeakMap<ServiceKit, Map<string, StuckWatch>>();

/**
 * `kuruma_consumer_stuck_seconds{consumer}`: how long the consumer's longest-waiting partition or
 * MQTT connection has been on its current record, read at each scrape (0 when all move on). Its
 * readiness check fails past CONSUMER_STUCK_AFTER_MS; this is the number to alert on before that.
 */
export function reportStuckSeconds(kit: ServiceKit, consumer: string, watch: StuckWatch): void {
  let watches = stuckWatches.get(kit);
  if (!watches) {
    const all = (watches = new Map());
    stuckWatches.set(kit, all);
    kit.metrics.gauge('kuruma_consumer_stuck_seconds', 'Seconds the longest-waiting partition or connection has been on its current record', ['consumer'], (gauge) => {
      for (const [name, w] of all) gauge.set({ consumer: name }, w.longestSeconds());
    });
  }
  watches.set(consumer, watch);
}

export async function startConsumer(
  kit: ServiceKit,
  options: Omit<BatchConsumerOptions, 'logger' | 'onCrash' | 'onChunk' | 'deadLetter' | 'stuckAfterMs'> & {
    stuckAfterMs: number;
    /** Where records the database refuses go, with the reason (the source topic's `.dlq`). */
    deadLetter?: { producer: EventProducer; topic: string };
  },
): Promise<BatchConsumer> {
  const records = kit.metrics.counter('kuruma_consumed_records_total', 'Kafka records applied', ['group']);
  const chunkSeconds = kit.metrics.histogram('kuruma_consumer_chunk_seconds', 'Time to apply one chunk of records', ['group']);
  const refused = kit.metrics.counter('kuruma_consumer_refused_records_total', 'Records the database refused (a data error), dead-lettered', ['group']);
  const { deadLetter, ...rest } = options;
  const consumer = new BatchConsumer({
    ...rest,
    deadLetter: deadLetter
      ? async (record, reason, attempts) => {
          await deadLetter.producer.send([deadLetterRecord(record, deadLetter.topic, reason, kit.name, attempts)]);
          refused.inc({ group: options.groupId });
        }
      : undefined,
    logger: kit.logger.child({ component: 'consumer', groupId: options.groupId }),
    onChunk: (n, ms) => {
      records.inc({ group: options.groupId }, n);
      chunkSeconds.observe({ group: options.groupId }, ms / 1000);
    },
    // kafkajs gave up: exit so the supervisor restarts us; uncommitted work is redelivered.
    onCrash: (error) => {
      kit.logger.fatal({ err: error }, 'consumer stopped for good; exiting for a restart');
      setTimeout(() => process.exit(70), 100);
    },
  });
  await consumer.start();
  reportStuckSeconds(kit, options.groupId, consumer.progress);
  kit.health.register({ name: `consumer:${options.groupId}`, check: () => consumer.check() });
  kit.shutdown.register(`consumer:${options.groupId}`, () => consumer.stop());
  return consumer;
}

export async function startOutboxRelay(
  kit: ServiceKit,
  options: { db: SqlTx; databaseUrl: string; producer: EventProducer; retentionHours: number; partnerTopics?: PartnerTopicRouter },
): Promise<OutboxRelay> {
  const router = options.partnerTopics;
  if (router) {
    await router.start();
    kit.shutdown.register('partner-topic-router', () => router.stop());
  }
  const published = kit.metrics.counter('kuruma_outbox_published_total', 'Outbox rows published to Kafka');
  const pruned = kit.metrics.counter('kuruma_outbox_pruned_total', 'Published outbox rows deleted after the retention period');
  const delay = kit.metrics.histogram('kuruma_outbox_publish_delay_seconds', 'Commit of the oldest row of a batch -> acknowledged by Kafka');
  const relay = new OutboxRelay({
    producer: kit.name,
    db: options.db,
    databaseUrl: options.databaseUrl,
    kafka: options.producer,
    logger: kit.logger.child({ component: 'outbox-relay' }),
    retentionMs: options.retentionHours * 3_600_000,
    ...(router ? { mirror: (row: { topic: string; headers: Record<string, string> | null }) => router.mirrorOf(row) } : {}),
    onPruned: (n) => pruned.inc(n),
    onPublished: (n, oldest) => {
      published.inc(n);
      if (oldest) delay.observe((Date.now() - oldest.getTime()) / 1000);
    },
  });
  await relay.start();
  kit.health.register({ name: 'outbox-relay', check: () => relay.check() });
  kit.shutdown.register('outbox-relay', () => relay.stop());
  return relay;
}
