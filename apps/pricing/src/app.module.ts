import { type DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import { DatabaseModule, GovernedTariffsModule, KafkaModule, KafkaTransportModule, PartnerAuthModule, REDIS, RedisModule, ServiceKitModule } from '@kuruma/service-kit';
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
        { provide: PriceBookingEventsUseCase, inject: [QuoteRepository, VehicleDamageLookup], useFactory: (quotes: QuoteRepository, damage: VehicleDamageLookup) => new PriceBookingEventsUseCase(quotes, damage) },
      ],
    };
  }
}
