import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { PartnerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { EventProducer } from '@kuruma/data-access-messaging';
import {
  BusinessClock,
  DatabaseModule,
  JobSchedule,
  KafkaModule,
  KafkaTransportModule,
  LOGGER,
  PartnerAuthenticator,
  PartnerAuthModule,
  SERVICE_CONFIG,
  ServiceKitModule,
  ServiceMetrics,
  ShutdownRegistry,
  TopicNames,
} from '@kuruma/service-kit';
import { AcceptBookingEventsUseCase } from './accept-booking-events/accept-booking-events.use-case';
import { BookingEventRefusals } from './accept-booking-events/booking-event-refusals';
import { BookingEventsKafkaHandler } from './accept-booking-events/booking-events.kafka-handler';
import type { ApplyContext } from './accept-booking-events/apply-pending-events';
import type { BookingIngestConfig } from './booking-ingest.config';
import { KnownPartners } from './partners/known-partners';
import { ReleaseHeldEventsJob } from './release-held-events/release-held-events.job';
import { BookingEventsController } from './webhook/booking-events.controller';
import { ReceiveWebhookEventUseCase } from './webhook/receive-webhook-event.use-case';

/** What accepting and releasing booking events both need: how they are sent, where to, how long a gap is held. */
const APPLY_CONTEXT = Symbol('APPLY_CONTEXT');

/**
 * Booking-ingest: partners' booking events from their Kafka topics and the signed webhook,
 * authenticated, de-duplicated and put in sequence, then sent to pricing before their transaction commits (apply-pending-events.ts).
 */
@Module({})
export class BookingIngestModule {
  static forRoot(config: BookingIngestConfig): DynamicModule {
    return {
      module: BookingIngestModule,
      imports: [
        ServiceKitModule.forService(config),
        // Plain SQL only: no Prisma client in this process (its query compiler costs 50-100 MB resident).
        DatabaseModule.forRoot(),
        KafkaModule.forRoot(),
        KafkaTransportModule.forGroup('booking-ingest'),
        PartnerAuthModule.forRoot(),
      ],
      controllers: [BookingEventsController, BookingEventsKafkaHandler],
      providers: [
        {
          provide: APPLY_CONTEXT,
          inject: [SERVICE_CONFIG, TopicNames, EventProducer],
          useFactory: (cfg: BookingIngestConfig, topics: TopicNames, producer: EventProducer): Omit<ApplyContext, 'now'> => ({
            forward: (records) => producer.send(records),
            topic: (base) => topics.of(base),
            gapTimeoutMs: cfg.BOOKING_GAP_TIMEOUT_MS,
          }),
        },
        { provide: KnownPartners, inject: [PartnerRepository], useFactory: (partners: PartnerRepository) => new KnownPartners(partners) },
        { provide: BookingEventRefusals, inject: [ServiceMetrics, LOGGER], useFactory: (metrics: ServiceMetrics, logger: Logger) => new BookingEventRefusals(metrics, logger) },
        {
          provide: AcceptBookingEventsUseCase,
          inject: [SqlDatabase, APPLY_CONTEXT, BusinessClock],
          useFactory: (sql: SqlDatabase, ctx: Omit<ApplyContext, 'now'>, clock: BusinessClock) =>
            new AcceptBookingEventsUseCase(sql, { ...ctx, driverPseudonymKey: config.DRIVER_PSEUDONYM_KEY }, clock),
        },
        {
          provide: ReleaseHeldEventsJob,
          inject: [SqlDatabase, APPLY_CONTEXT, LOGGER, BusinessClock],
          useFactory: (sql: SqlDatabase, ctx: Omit<ApplyContext, 'now'>, logger: Logger, clock: BusinessClock) => new ReleaseHeldEventsJob(sql, ctx, logger, undefined, clock),
        },
        { provide: JobSchedule, inject: [ReleaseHeldEventsJob, ShutdownRegistry], useFactory: (job: ReleaseHeldEventsJob, shutdown: ShutdownRegistry) => new JobSchedule('held-event-releaser', job, shutdown) },
        {
          provide: ReceiveWebhookEventUseCase,
          inject: [PartnerAuthenticator, PartnerRepository, EventProducer, TopicNames],
          useFactory: (auth: PartnerAuthenticator, partners: PartnerRepository, producer: EventProducer, topics: TopicNames) => new ReceiveWebhookEventUseCase(auth, partners, producer, (base) => topics.of(base)),
        },
      ],
    };
  }
}
