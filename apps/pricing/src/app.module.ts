import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';
import { QuotesController } from './quotes/quotes.controller';

@Module({})
export class PricingModule {
  static register(kit: ServiceKit, providers: Provider[]): DynamicModule {
    return { module: PricingModule, imports: [ServiceKitModule.forRoot(kit)], controllers: [QuotesController], providers };
  }
}
