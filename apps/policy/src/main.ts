import { createServiceApp, exitOnStartFailure, KafkaBatchServer, listen } from '@kuruma/service-kit';
import { PolicyModule } from './app.module';
import { loadPolicyConfig } from './policy.config';

async function bootstrap(): Promise<void> {
  const app = await createServiceApp(PolicyModule.forRoot(loadPolicyConfig()));
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  await app.startAllMicroservices();
  await listen(app);
}

bootstrap().catch(exitOnStartFailure('policy'));
