import { partnerOfBookingTopic, Topics, topicName } from '@kuruma/contracts';
import { PartnerRepository } from '@kuruma/data-access-db';
import {
  connectDatabase,
  connectSql,
  readerPoolSize,
  connectProducer,
  createLogger,
  createServiceKafka,
  createServiceKit,
  PartnerAuthenticator,
  partnerAuthOptions,
  runService,
  startConsumer,
  startOutboxRelay,
} from '@kuruma/service-kit';
import { AcceptBookingEventsUseCase } from './accept-booking-events/accept-booking-events.use-case';
import { BookingEventsKafkaHandler } from './accept-booking-events/booking-events.kafka-handler';
import { BookingIngestModule } from './app.module';
import { loadBookingIngestConfig } from './booking-ingest.config';
import { KnownPartners } from './partners/known-partners';
import { ReleaseHeldEventsJob } from './release-held-events/release-held-events.job';
import { ReceiveWebhookEventUseCase } from './webhook/receive-webhook-event.use-case';

async function main(): Promise<void> {
  const config = loadBookingIngestConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN);
  const topic = (base: string) => topicName(base, config.KAFKA_TOPIC_NAMESPACE);
  const db = connectDatabase(kit, config.DATABASE_URL, readerPoolSize(config.DATABASE_POOL_SIZE));
  const sql = connectSql(kit, config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const kafka = createServiceKafka(kit, config);
  const producer = await connectProducer(kit, kafka);
  await startOutboxRelay(kit, { db: sql, databaseUrl: config.DATABASE_URL, producer, retentionHours: config.OUTBOX_RETENTION_HOURS });

  const useCase = new AcceptBookingEventsUseCase(sql, { producer: kit.name, topic, gapTimeoutMs: config.BOOKING_GAP_TIMEOUT_MS });
  const partners = new PartnerRepository(db);
  const deadLettered = kit.metrics.counter('kuruma_booking_events_dead_lettered_total', 'Booking events sent to the dead-letter topic', ['reason']);
  const partnerOfTopic = (name: string) => partnerOfBookingTopic(name, config.KAFKA_TOPIC_NAMESPACE);
  const handler = new BookingEventsKafkaHandler(useCase, new KnownPartners(partners), producer, { topic, partnerOfTopic }, kit.name, kit.logger, (reason) =>
    deadLettered.inc({ reason }),
  );
  const releaser = new ReleaseHeldEventsJob(sql, { producer: kit.name, topic, gapTimeoutMs: config.BOOKING_GAP_TIMEOUT_MS }, kit.logger);
  releaser.start();
  kit.shutdown.register('held-event-releaser', () => releaser.stop());
  await startConsumer(kit, {
    kafka,
    groupId: `${config.KAFKA_GROUP_PREFIX}.booking-ingest`,
    // The webhook's topic, and every partner's own booking topic (new partners' within a minute).
    topics: [topic(Topics.bookingEvents)],
    topicFilter: (name) => partnerOfTopic(name) !== null,
    rediscoverMs: config.KAFKA_TOPIC_REDISCOVER_MS,
    handle: (records) => handler.handle(records),
    deadLetter: { producer, topic: topic(Topics.bookingEventsDlq) },
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
  });

  await runService({
    kit,
    module: BookingIngestModule.register(kit, [
      { provide: ReceiveWebhookEventUseCase, useValue: new ReceiveWebhookEventUseCase(new PartnerAuthenticator(partners, partnerAuthOptions(config)), partners, producer, topic) },
    ]),
    host: config.HOST,
    port: config.PORT,
    // Standard Webhooks signatures cover the exact bytes received.
    rawBody: true,
  });
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'booking-ingest', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
