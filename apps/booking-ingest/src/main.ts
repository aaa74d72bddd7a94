import { createServiceApp, exitOnStartFailure, KafkaBatchServer, listen } from '@kuruma/service-kit';
import { BookingIngestModule } from './app.module';
import { loadBookingIngestConfig } from './booking-ingest.config';

async function bootstrap(): Promise<void> {
  // Standard Webhooks signatures cover the exact bytes received.
  const app = await createServiceApp(BookingIngestModule.forRoot(loadBookingIngestConfig()), { rawBody: true });
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  await app.startAllMicroservices();
  await listen(app);
}

bootstrap().catch(exitOnStartFailure('booking-ingest'));
