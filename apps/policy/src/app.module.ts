import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';
import { PoliciesController } from './read-policies/policies.controller';

@Module({})
export class PolicyModule {
  static register(kit: ServiceKit, providers: Provider[]): DynamicModule {
    return { module: PolicyModule, imports: [ServiceKitModule.forRoot(kit)], controllers: [PoliciesController], providers };
  }
}
