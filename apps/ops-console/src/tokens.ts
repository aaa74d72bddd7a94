/**
 * Injection tokens of the console's controllers: the platform's Prisma client and the parsed
 * configuration (an `OpsConsoleConfig`), both from the platform modules.
 */
export { DATABASE, SERVICE_CONFIG as CONFIG } from '@kuruma/service-kit';
