import { createServiceApp, exitOnStartFailure, listen, MqttIntakeServer } from '@kuruma/service-kit';
import { ClaimsTriggerModule } from './app.module';
import { loadClaimsTriggerConfig } from './claims-trigger.config';

async function bootstrap(): Promise<void> {
  const config = loadClaimsTriggerConfig();
  const app = await createServiceApp(ClaimsTriggerModule.forRoot(config));
  app.connectMicroservice({ strategy: app.get(MqttIntakeServer) });
  // The start hooks first: the intake's broker accounts exist and the damage flags are rebuilt
  // before the first alert is applied.
  await app.init();
  await app.startAllMicroservices();
  // The ops console's claim actions arrive on an internal listener, an interface partners cannot reach.
  await listen(app, { host: config.CLAIMS_TRIGGER_OPS_HOST, port: config.CLAIMS_TRIGGER_OPS_PORT });
}

bootstrap().catch(exitOnStartFailure('claims-trigger'));
