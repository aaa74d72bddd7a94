import { createServiceApp, exitOnStartFailure, KafkaBatchServer, listen } from '@kuruma/service-kit';
import { PricingModule } from './app.module';
import { loadPricingConfig } from './pricing.config';

async function bootstrap(): Promise<void> {
  const app = await createServiceApp(PricingModule.forRoot(loadPricingConfig()));
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  await app.startAllMicroservices();
  await listen(app);
}

bootstrap().catch(exitOnStartFailure('pricing'));
