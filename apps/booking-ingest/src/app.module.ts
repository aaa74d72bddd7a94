import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';
import { BookingEventsController } from './webhook/booking-events.controller';

@Module({})
export class BookingIngestModule {
  static register(kit: ServiceKit, providers: { provide: unknown; useValue: unknown }[] = []): DynamicModule {
    return {
      module: BookingIngestModule,
      imports: [ServiceKitModule.forRoot(kit)],
      controllers: [BookingEventsController],
      providers: providers as never,
    };
  }
}
