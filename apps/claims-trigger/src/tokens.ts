/** The Prisma client and the parsed ClaimsTriggerConfig: the platform's tokens, under the names this app's classes inject. */
export { DATABASE, SERVICE_CONFIG as CONFIG } from '@kuruma/service-kit';
