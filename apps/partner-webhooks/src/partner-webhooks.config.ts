import { z } from 'zod';
import { envInt, loadServiceConfig, webhookReplayVars } from '@kuruma/config';
import { DEFAULT_RETRY_SCHEDULE_MS } from './delivery/retry-schedule';

const HOUR_MS = 3_600_000;

export const loadPartnerWebhooksConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'partner-webhooks',
    3005,
    {
      /** Waits between a failed delivery's attempts (ms, comma-separated); after the last one it has failed. */
      WEBHOOK_RETRY_SCHEDULE_MS: z
        .string()
        .default(DEFAULT_RETRY_SCHEDULE_MS.join(','))
        .transform((v) => v.split(',').map((s) => Number(s.trim())))
        .pipe(z.array(z.number().int().min(1).max(7 * 24 * HOUR_MS)).min(1).max(50)),
      /** An endpoint whose deliveries have all failed for this long is disabled (and its partner told). */
      WEBHOOK_DISABLE_AFTER_MS: envInt(72 * HOUR_MS, 1_000, 30 * 24 * HOUR_MS),
      /** One attempt's limit: connecting, sending and the receiver's answer. */
      WEBHOOK_TIMEOUT_MS: envInt(10_000, 100, 60_000),
      /** Attempts in flight to one endpoint at a time (of different bookings: one booking's events go one by one). */
      WEBHOOK_ENDPOINT_CONCURRENCY: envInt(4, 1, 100),
      /** Attempts in flight in this instance, over all endpoints. */
      WEBHOOK_MAX_IN_FLIGHT: envInt(64, 1, 1_000),
      /** How often the deliverer looks for due deliveries (it also looks at once after new events). */
      WEBHOOK_POLL_MS: envInt(1_000, 50, 60_000),
      /** How long, after a rotation, deliveries are also signed with the previous secret. */
      WEBHOOK_SECRET_OVERLAP_MS: envInt(24 * HOUR_MS, 0, 7 * 24 * HOUR_MS),
      /** Endpoints one partner may register. */
      WEBHOOK_MAX_ENDPOINTS_PER_PARTNER: envInt(20, 1, 1_000),
      /** How long events are kept for the delivery log and replay (those still pending stay). */
      WEBHOOK_EVENT_RETENTION_DAYS: envInt(30, 1, 3_650),
      ...webhookReplayVars,
    },
    env,
  );
export type PartnerWebhooksConfig = ReturnType<typeof loadPartnerWebhooksConfig>;
