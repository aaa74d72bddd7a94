import { type DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DriverRecordRepository, QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import {
  BusinessClock,
  DatabaseModule,
  GovernedTariffsModule,
  JobSchedule,
  KafkaModule,
  KafkaTransportModule,
  LOGGER,
  PartnerAuthModule,
  REDIS,
  RedisModule,
  ServiceKitModule,
  ShutdownRegistry,
} from '@kuruma/service-kit';
import { DriverDataRetentionJob } from './driver-records/driver-data-retention.job';
import { DriverRecords } from './driver-records/driver-records';
import { BookingAcceptedController } from './price-booking-events/booking-accepted.controller';
import { PriceBookingEventsUseCase } from './price-booking-events/price-booking-events.use-case';
import type { PricingConfig } from './pricing.config';
import { QuoteDamageCheck } from './quotes/quote-damage-check';
import { QuotesController } from './quotes/quotes.controller';
import { ActiveTariffController } from './tariffs/active-tariff.controller';
import { VehicleDamageLookup } from './vehicle-damage/vehicle-damage.lookup';

/** Pricing: quotes over HTTP, and accepted booking events priced from Kafka. */
@Module({})
export class PricingModule {
  static forRoot(config: PricingConfig): DynamicModule {
    return {
      module: PricingModule,
      imports: [
        ServiceKitModule.forService(config),
        // Plain SQL only: no Prisma client in this process (its query compiler costs 50-100 MB resident).
        DatabaseModule.forRoot(),
        KafkaModule.forRoot(),
        // A lookup waits for Redis or fails now: cover is never bound unchecked, the chunk is retried.
        RedisModule.forRoot({ offlineQueue: false }),
        KafkaTransportModule.forGroup('pricing'),
        PartnerAuthModule.forRoot(),
        // The tariff versions come from Postgres (approved, scheduled) and reach the in-memory registry on change.
        GovernedTariffsModule.forRoot(),
      ],
      controllers: [QuotesController, ActiveTariffController, BookingAcceptedController],
      providers: [
        { provide: VehicleDamageLookup, inject: [REDIS], useFactory: (redis: Redis) => new VehicleDamageLookup(redis) },
        { provide: QuoteDamageCheck, inject: [VehicleDamageLookup], useFactory: (damage: VehicleDamageLookup) => new QuoteDamageCheck(damage) },
        { provide: QuoteRepository, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new QuoteRepository(sql) },
        { provide: DriverRecordRepository, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new DriverRecordRepository(sql) },
        { provide: DriverRecords, inject: [DriverRecordRepository], useFactory: (repository: DriverRecordRepository) => new DriverRecords(repository, config.DRIVER_PSEUDONYM_KEY) },
        {
          provide: PriceBookingEventsUseCase,
          inject: [QuoteRepository, VehicleDamageLookup, DriverRecords, DriverRecordRepository, BusinessClock],
          useFactory: (quotes: QuoteRepository, damage: VehicleDamageLookup, drivers: DriverRecords, driverBookings: DriverRecordRepository, clock: BusinessClock) =>
            new PriceBookingEventsUseCase(quotes, damage, drivers, driverBookings, clock),
        },
        {
          provide: DriverDataRetentionJob,
          inject: [DriverRecordRepository, LOGGER],
          useFactory: (repository: DriverRecordRepository, logger: Logger) =>
            new DriverDataRetentionJob(repository, { tripDays: config.DRIVING_TRIP_RETENTION_DAYS, bookingDays: config.DRIVER_BOOKING_RETENTION_DAYS, intervalMs: config.DRIVER_DATA_PURGE_INTERVAL_MS }, logger),
        },
        {
          provide: JobSchedule,
          inject: [DriverDataRetentionJob, ShutdownRegistry],
          useFactory: (job: DriverDataRetentionJob, shutdown: ShutdownRegistry) => new JobSchedule('driver-data-retention-job', job, shutdown),
        },
      ],
    };
  }
}
