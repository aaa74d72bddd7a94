import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';

@Module({})
export class BookingIngestModule {
  static register(kit: ServiceKit, providers: { provide: unknown; useValue: unknown }[] = []): DynamicModule {
    return {
      module: BookingIngestModule,
      imports: [ServiceKitModule.forRoot(kit)],
      controllers: [],
      providers: providers as never,
    };
  }
}
