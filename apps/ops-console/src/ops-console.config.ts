import { z } from 'zod';
import { DEV_DEFAULT_SECRETS, loadServiceConfig, opsVars } from '@kuruma/config';

export const loadOpsConsoleConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'ops-console',
    3000,
    {
      ...opsVars,
      CLAIMS_TRIGGER_URL: z.string().url().default('http://127.0.0.1:3004'),
      OPS_SERVICE_TOKEN: z.string().min(16).default(DEV_DEFAULT_SECRETS.OPS_SERVICE_TOKEN),
    },
    env,
  );
export type OpsConsoleConfig = ReturnType<typeof loadOpsConsoleConfig>;
