import Redis from 'ioredis';
import { Topics, topicName } from '@kuruma/contracts';
import { PartnerRepository, QuoteRepository } from '@kuruma/data-access-db';
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
} from '@kuruma/service-kit';
import { PricingModule } from './app.module';
import { BookingAcceptedKafkaHandler } from './price-booking-events/booking-accepted.kafka-handler';
import { PriceBookingEventsUseCase } from './price-booking-events/price-booking-events.use-case';
import { loadPricingConfig } from './pricing.config';
import { VehicleDamageLookup } from './vehicle-damage/vehicle-damage.lookup';

async function main(): Promise<void> {
  const config = loadPricingConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN);
  const topic = (base: string) => topicName(base, config.KAFKA_TOPIC_NAMESPACE);
  const db = connectDatabase(kit, config.DATABASE_URL, readerPoolSize(config.DATABASE_POOL_SIZE));
  const sql = connectSql(kit, config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (err) => kit.logger.warn({ err: err.message }, 'redis error'));
  kit.health.register({ name: 'redis', check: async () => void (await redis.ping()) });
  kit.shutdown.register('redis', async () => void redis.disconnect());
  const kafka = createServiceKafka(kit, config);
  const producer = await connectProducer(kit, kafka);
  const damage = new VehicleDamageLookup(redis);
  const handler = new BookingAcceptedKafkaHandler(new PriceBookingEventsUseCase(new QuoteRepository(sql), damage), producer, topic, kit.name);
  await startConsumer(kit, {
    kafka,
    groupId: `${config.KAFKA_GROUP_PREFIX}.pricing`,
    topics: [topic(Topics.bookingAccepted)],
    handle: (records) => handler.handle(records),
    deadLetter: { producer, topic: topic(Topics.bookingAcceptedDlq) },
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
  });
  await runService({
    kit,
    module: PricingModule.register(kit, [
      { provide: PartnerAuthenticator, useValue: new PartnerAuthenticator(new PartnerRepository(db), partnerAuthOptions(config)) },
      { provide: VehicleDamageLookup, useValue: damage },
    ]),
    host: config.HOST,
    port: config.PORT,
  });
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'pricing', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
