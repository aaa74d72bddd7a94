import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ServiceKitModule, type ServiceKit } from '@kuruma/service-kit';
import { AuthController } from './auth/auth.controller';
import { ClaimsQueueController } from './claims/claims-queue.controller';
import { ConsoleApiController } from './console-api.controller';
import { LiveStreamController } from './stream/live-stream.controller';
import { ConsolePagesController } from './web/console-pages.controller';

@Module({})
export class OpsConsoleModule {
  static register(kit: ServiceKit, providers: Provider[]): DynamicModule {
    return {
      module: OpsConsoleModule,
      imports: [ServiceKitModule.forRoot(kit)],
      controllers: [ConsolePagesController, AuthController, ConsoleApiController, ClaimsQueueController, LiveStreamController],
      providers,
    };
  }
}
