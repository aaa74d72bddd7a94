import { PartnerTopics, Topics, topicName } from '@kuruma/contracts';
import { PartnerTopicRouter } from '@kuruma/data-access-messaging';
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
import { PolicyModule } from './app.module';
import { ApplyBookingEventsUseCase } from './apply-booking-events/apply-booking-events.use-case';
import { BookingPricedKafkaHandler } from './apply-booking-events/booking-priced.kafka-handler';
import { ExtendLateReturnsJob } from './late-return/extend-late-returns.job';
import { loadPolicyConfig } from './policy.config';
import { DATABASE } from './tokens';

async function main(): Promise<void> {
  const config = loadPolicyConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN);
  const topic = (base: string) => topicName(base, config.KAFKA_TOPIC_NAMESPACE);
  const db = connectDatabase(kit, config.DATABASE_URL, readerPoolSize(config.DATABASE_POOL_SIZE));
  const sql = connectSql(kit, config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const kafka = createServiceKafka(kit, config);
  const producer = await connectProducer(kit, kafka);
  // Each event also goes to its partner's own topic, the only one the partner may read.
  const partnerTopics = new PartnerTopicRouter({ kafka, sharedTopic: topic(Topics.policyEvents), partnerTopic: (id) => topic(PartnerTopics.policyEvents(id)), logger: kit.logger });
  await startOutboxRelay(kit, { db: sql, databaseUrl: config.DATABASE_URL, producer, retentionHours: config.OUTBOX_RETENTION_HOURS, partnerTopics });

  const bindLatency = kit.metrics.histogram('kuruma_policy_bind_latency_seconds', 'booking accepted -> policy bound (committed)');
  const outcomes = kit.metrics.counter('kuruma_policy_events_applied_total', 'Booking events applied by policy', ['outcome']);
  const handler = new BookingPricedKafkaHandler(new ApplyBookingEventsUseCase(sql, kit.name, topic), producer, topic, kit.name, (result) => {
    outcomes.inc({ outcome: 'applied' }, result.applied);
    outcomes.inc({ outcome: 'duplicate' }, result.duplicates);
    outcomes.inc({ outcome: 'rejected' }, result.rejected);
    for (const b of result.bound) bindLatency.observe((Date.now() - Date.parse(b.acceptedAt)) / 1000);
  });
  const lateReturns = new ExtendLateReturnsJob(sql, kit.name, topic, config.LATE_RETURN_LEAD_MS, config.LATE_RETURN_INTERVAL_MS, kit.logger);
  lateReturns.start();
  kit.shutdown.register('late-return-job', () => lateReturns.stop());
  await startConsumer(kit, {
    kafka,
    groupId: `${config.KAFKA_GROUP_PREFIX}.policy`,
    topics: [topic(Topics.bookingPriced)],
    handle: (records) => handler.handle(records),
    deadLetter: { producer, topic: topic(Topics.bookingPricedDlq) },
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
  });
  await runService({
    kit,
    module: PolicyModule.register(kit, [
      { provide: PartnerAuthenticator, useValue: new PartnerAuthenticator(new PartnerRepository(db), partnerAuthOptions(config)) },
      { provide: DATABASE, useValue: db },
    ]),
    host: config.HOST,
    port: config.PORT,
  });
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'policy', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
