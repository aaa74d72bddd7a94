/** The parsed configuration (an `OpsConsoleConfig`): the platform's token, under the name the console's classes inject. */
export { SERVICE_CONFIG as CONFIG } from '@kuruma/service-kit';
