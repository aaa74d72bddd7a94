import { createServiceApp, exitOnStartFailure, KafkaBatchServer, listen } from '@kuruma/service-kit';
import { PartnerWebhooksModule } from './app.module';
import { loadPartnerWebhooksConfig } from './partner-webhooks.config';

async function bootstrap(): Promise<void> {
  const app = await createServiceApp(PartnerWebhooksModule.forRoot(loadPartnerWebhooksConfig()));
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  await app.startAllMicroservices();
  await listen(app);
}

bootstrap().catch(exitOnStartFailure('partner-webhooks'));
