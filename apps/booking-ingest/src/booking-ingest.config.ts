import { bookingOrderingVars, demoPartnerVars, loadServiceConfig } from '@kuruma/config';

export const loadBookingIngestConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig('booking-ingest', 3001, { ...bookingOrderingVars, ...demoPartnerVars }, env);
export type BookingIngestConfig = ReturnType<typeof loadBookingIngestConfig>;
