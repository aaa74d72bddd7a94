import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, exitOnStartFailure, KafkaTailServer, listen } from '@kuruma/service-kit';
import { OpsConsoleModule } from './app.module';
import { loadOpsConsoleConfig } from './ops-console.config';
import { serveConsoleWeb } from './web/console-web';

async function bootstrap(): Promise<void> {
  const app = await createServiceApp<NestExpressApplication>(OpsConsoleModule.forRoot(loadOpsConsoleConfig()), {
    // Static files, login forms, cookies and SSE: Express middleware the console is built on.
    http: 'express',
    bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
  });
  serveConsoleWeb(app);
  app.connectMicroservice({ strategy: app.get(KafkaTailServer) });
  await app.startAllMicroservices();
  await listen(app);
}

bootstrap().catch(exitOnStartFailure('ops-console'));
