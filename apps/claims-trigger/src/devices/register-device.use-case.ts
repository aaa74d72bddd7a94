import { randomBytes } from 'node:crypto';
import { deviceTopic, type DeviceCredentialsV1 } from '@kuruma/contracts';
import type { DeviceRepository } from '@kuruma/data-access-db';
import type { DeviceAccounts } from '@kuruma/data-access-messaging';
import { ConflictError, InvalidRequestError, NotFoundError } from '@kuruma/service-kit';
import type { Logger } from 'pino';
import { CsrRejected, type DeviceCertificateIssuer } from './device-certificate.issuer';
import type { DeviceDirectory } from './device-directory';
import { inBroker } from './broker-administration';
import type { DeviceChangeLock } from './device-change.lock';

/** Where device certificates come from and which listener takes them; absent: none are issued. */
export interface DeviceCertificates {
  issuer: DeviceCertificateIssuer;
  url: string;
  /** The certificate's CN: the device's account name, which the broker takes as username and client id. */
  commonNameOf: (deviceId: string) => string;
}

/**
 * Registers (or re-registers) a partner's in-car gateway: the vehicle mapping in the database and
 * fresh MQTT credentials in the broker, effective at once. The password is returned only here.
 * Only the partner that registered a device may rotate its password, and a device id can never
 * name another broker account (device accounts have a namespace of their own, DeviceAccounts).
 */
export class RegisterDeviceUseCase {
  constructor(
    private readonly devices: Pick<DeviceRepository, 'findById' | 'upsert'>,
    private readonly accounts: () => Promise<DeviceAccounts>,
    private readonly directory: DeviceDirectory,
    private readonly publicMqttUrl: string,
    private readonly logger: Logger,
    private readonly lock: DeviceChangeLock,
    private readonly certificates?: DeviceCertificates,
  ) {}

  async execute(partnerId: string, deviceId: string, vehicleId: string, csr?: string): Promise<DeviceCredentialsV1> {
    if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(deviceId)) {
      throw new InvalidRequestError('invalid device id', [{ field: 'deviceId', message: 'may contain only letters, digits and . _ : @ - (max 128)' }]);
    }
    return this.lock(deviceId, async () => {
      const existing = await this.devices.findById(deviceId);
      if (existing && existing.partnerId !== partnerId) throw new ConflictError(`device ${deviceId} is registered by another partner`);
      return this.apply(partnerId, deviceId, vehicleId, csr);
    });
  }

  /**
   * New credentials for the partner's active device on its registered vehicle (rotation): 404 for
   * another partner's, an unknown or a revoked device, checked under the same lock as the change.
   */
  async renew(partnerId: string, deviceId: string, csr?: string): Promise<DeviceCredentialsV1> {
    return this.lock(deviceId, async () => {
      const existing = await this.devices.findById(deviceId);
      if (!existing || existing.partnerId !== partnerId || existing.revokedAt) throw new NotFoundError(`no device ${deviceId}`);
      return this.apply(partnerId, deviceId, existing.vehicleId, csr);
    });
  }

  private async apply(partnerId: string, deviceId: string, vehicleId: string, csr?: string): Promise<DeviceCredentialsV1> {
    const password = randomBytes(24).toString('base64url');
    // Signed before anything changes, so a bad request leaves the device as it was.
    const certificate = csr === undefined ? undefined : await this.certify(deviceId, csr);
    const login = await inBroker(this.accounts, this.logger, 'device registration', async (accounts) => {
      const conflict = await accounts.conflict(deviceId);
      if (conflict) throw new ConflictError(`device ${deviceId} cannot be registered: ${conflict}`);
      return accounts.provision(deviceId, password);
    });
    await this.devices.upsert({ id: deviceId, partnerId, vehicleId });
    this.directory.forget(deviceId);
    return {
      deviceId,
      vehicleId,
      mqtt: { url: this.publicMqttUrl, ...login, password, topics: { crash: deviceTopic(deviceId, 'crash'), lock: deviceTopic(deviceId, 'lock'), trip: deviceTopic(deviceId, 'trip') }, ...(certificate ? { certificate } : {}) },
    };
  }

  private async certify(deviceId: string, csr: string): Promise<{ url: string; pem: string; notAfter: string }> {
    if (!this.certificates) throw new InvalidRequestError('device certificates are not issued here', [{ field: 'csr', message: 'this platform issues no device certificates; register without csr' }]);
    try {
      const issued = await this.certificates.issuer.issue(this.certificates.commonNameOf(deviceId), csr);
      return { url: this.certificates.url, pem: issued.pem, notAfter: issued.notAfter.toISOString() };
    } catch (error) {
      if (error instanceof CsrRejected) throw new InvalidRequestError('invalid certificate signing request', [{ field: 'csr', message: error.message }]);
      throw error;
    }
  }
}
