import type { DeviceRepository } from '@kuruma/data-access-db';
import type { DeviceAccounts } from '@kuruma/data-access-messaging';
import { NotFoundError } from '@kuruma/service-kit';
import type { Logger } from 'pino';
import { inBroker } from './broker-administration';
import type { DeviceChangeLock } from './device-change.lock';
import type { DeviceDirectory } from './device-directory';

/**
 * `DELETE /v1/devices/{id}`: the partner takes a gateway out of service (sold, stolen, swapped).
 * The broker account goes first - dynamic security's deleteClient also disconnects the live
 * session, so the device is cut off at once and cannot log in again - then the row is marked
 * revoked with an audit entry. The row stays: claims and incidents name the device, and its id
 * stays its partner's. A device of another partner, an unknown id and an already revoked device
 * all answer 404 (nothing tells a partner which ids others use; a second DELETE is a 404).
 * Registration, rotation and deletion of one device run one at a time (DeviceChangeLock).
 * Should the database write fail after the broker change, the device is already cut off and a
 * retried DELETE completes it (removing an absent account is a no-op).
 */
export class RevokeDeviceUseCase {
  constructor(
    private readonly devices: Pick<DeviceRepository, 'findById' | 'revoke'>,
    private readonly accounts: () => Promise<DeviceAccounts>,
    private readonly directory: DeviceDirectory,
    private readonly logger: Logger,
    private readonly lock: DeviceChangeLock,
  ) {}

  async execute(partnerId: string, deviceId: string): Promise<void> {
    await this.lock(deviceId, async () => {
      const device = await this.devices.findById(deviceId);
      if (!device || device.partnerId !== partnerId || device.revokedAt) throw new NotFoundError(`no device ${deviceId}`);
      await inBroker(this.accounts, this.logger, 'device deletion', (accounts) => accounts.remove(deviceId));
      if (!(await this.devices.revoke(deviceId, partnerId, { actor: `partner:${partnerId}`, role: 'partner' }))) throw new NotFoundError(`no device ${deviceId}`);
    });
    this.directory.forget(deviceId);
  }
}
