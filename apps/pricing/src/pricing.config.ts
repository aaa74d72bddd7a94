import { driverDataVars, loadServiceConfig } from '@kuruma/config';

export const loadPricingConfig = (env?: NodeJS.ProcessEnv) => loadServiceConfig('pricing', 3002, driverDataVars, env);
export type PricingConfig = ReturnType<typeof loadPricingConfig>;
