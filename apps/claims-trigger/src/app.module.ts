import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';
import { ClaimsController } from './claims/claims.controller';
import { DevicesController } from './devices/devices.controller';

@Module({})
export class ClaimsTriggerModule {
  static register(kit: ServiceKit, providers: Provider[]): DynamicModule {
    return { module: ClaimsTriggerModule, imports: [ServiceKitModule.forRoot(kit)], controllers: [DevicesController, ClaimsController], providers };
  }
}
