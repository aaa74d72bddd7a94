import { z } from 'zod';
import { DEV_DEFAULT_SECRETS, envInt, loadServiceConfig, opsVars } from '@kuruma/config';

export const loadOpsConsoleConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'ops-console',
    3000,
    {
      ...opsVars,
      CLAIMS_TRIGGER_URL: z.string().url().default('http://127.0.0.1:3004'),
      OPS_SERVICE_TOKEN: z.string().min(16).default(DEV_DEFAULT_SECRETS.OPS_SERVICE_TOKEN),
      /** Events kept for browsers that reconnect (resume with Last-Event-ID within this many). */
      LIVE_BUFFER_SIZE: envInt(20_000, 100, 1_000_000),
      /** How far back a (re)started console reads the public topics to fill the live stream. */
      LIVE_BACKFILL_MS: envInt(3_600_000, 0, 7 * 24 * 3_600_000),
    },
    env,
  );
export type OpsConsoleConfig = ReturnType<typeof loadOpsConsoleConfig>;
