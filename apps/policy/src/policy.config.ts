import { envInt, loadServiceConfig } from '@kuruma/config';

export const loadPolicyConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'policy',
    3003,
    {
      /** How often the late-return job looks for started bookings near their end. */
      LATE_RETURN_INTERVAL_MS: envInt(15_000, 100, 3_600_000),
      /** Cover is extended this long before it would lapse, so a late driver is never uninsured. */
      LATE_RETURN_LEAD_MS: envInt(120_000, 0, 3_600_000),
      /** How often the ledger's close job looks for Japan days and months that are over. */
      LEDGER_CLOSE_INTERVAL_MS: envInt(60_000, 100, 3_600_000),
    },
    env,
  );
export type PolicyConfig = ReturnType<typeof loadPolicyConfig>;
