/** The parsed ClaimsTriggerConfig: the platform's token, under the name this app's classes inject. */
export { SERVICE_CONFIG as CONFIG } from '@kuruma/service-kit';
