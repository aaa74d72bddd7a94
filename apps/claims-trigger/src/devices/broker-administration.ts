import type { DeviceAccounts } from '@kuruma/data-access-messaging';
import { DomainError, UnavailableError } from '@kuruma/service-kit';
import type { Logger } from 'pino';

/**
 * Runs a device-account change in the broker. The broker's administration being away (down,
 * refusing the admin login) makes this request, and only it, unavailable (503); domain refusals
 * (409, 400) pass through as they are.
 */
export async function inBroker<T>(accounts: () => Promise<DeviceAccounts>, logger: Logger, operation: string, work: (accounts: DeviceAccounts) => Promise<T>): Promise<T> {
  try {
    return await work(await accounts());
  } catch (error) {
    if (error instanceof DomainError) throw error;
    logger.error({ err: (error as Error).message, operation }, 'MQTT broker administration failed');
    throw new UnavailableError(`${operation} is unavailable: the MQTT broker cannot be administered right now; try again later`);
  }
}
