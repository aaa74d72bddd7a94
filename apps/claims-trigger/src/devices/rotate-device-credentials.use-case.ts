import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import type { DeviceRepository } from '@kuruma/data-access-db';
import type { RegisterDeviceUseCase } from './register-device.use-case';

/**
 * `POST /v1/devices/{id}/rotate-credentials`: a new password (and, with a csr, a new client
 * certificate) for the partner's active device, on the vehicle it is registered for. Setting the
 * password through dynamic security disconnects the session logged in with the old one, and the
 * old password is refused from then on: there is no overlap, so a gateway stores the new
 * credentials before it reconnects. A certificate issued earlier stays valid until it expires (the
 * broker checks no revocation list; docs/devices.md): rotating away a leaked key means DELETE.
 */
export class RotateDeviceCredentialsUseCase {
  constructor(
    private readonly devices: Pick<DeviceRepository, 'recordRotation'>,
    private readonly register: Pick<RegisterDeviceUseCase, 'renew'>,
  ) {}

  async execute(partnerId: string, deviceId: string, csr?: string): Promise<DeviceCredentialsV1> {
    const credentials = await this.register.renew(partnerId, deviceId, csr);
    await this.devices.recordRotation(deviceId, partnerId, { actor: `partner:${partnerId}`, role: 'partner' }, { certificate: csr !== undefined });
    return credentials;
  }
}
