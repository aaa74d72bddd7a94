import { bookingOrderingVars, demoPartnerVars, driverPseudonymVars, envInt, loadServiceConfig } from '@kuruma/config';

export const loadBookingIngestConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'booking-ingest',
    3001,
    {
      ...bookingOrderingVars,
      ...demoPartnerVars,
      // Accepted events carry the driver's pseudonym, never the partner's reference (docs/privacy.md).
      ...driverPseudonymVars,
      /** How often the ingest looks for booking topics of newly onboarded partners. */
      KAFKA_TOPIC_REDISCOVER_MS: envInt(30_000, 1_000, 3_600_000),
    },
    env,
  );
export type BookingIngestConfig = ReturnType<typeof loadBookingIngestConfig>;
