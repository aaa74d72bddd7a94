import { randomBytes } from 'node:crypto';
import { deviceTopic, type DeviceCredentialsV1 } from '@kuruma/contracts';
import type { Database } from '@kuruma/data-access-db';
import type { DynamicSecurityClient } from '@kuruma/data-access-messaging';
import { ProblemException } from '@kuruma/service-kit';
import type { DeviceDirectory } from './device-directory';

/**
 * Registers (or re-registers) a partner's in-car gateway: the vehicle mapping in the database and
 * fresh MQTT credentials in the broker, effective at once. The password is returned only here.
 */
export class RegisterDeviceUseCase {
  constructor(
    private readonly db: Database,
    private readonly broker: () => Promise<DynamicSecurityClient>,
    private readonly directory: DeviceDirectory,
    private readonly publicMqttUrl: string,
  ) {}

  async execute(partnerId: string, deviceId: string, vehicleId: string): Promise<DeviceCredentialsV1> {
    if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(deviceId)) {
      throw ProblemException.badRequest('invalid device id', [{ field: 'deviceId', message: 'may contain only letters, digits and . _ : @ - (max 128)' }]);
    }
    const existing = await this.db.device.findUnique({ where: { id: deviceId } });
    if (existing && existing.partnerId !== partnerId) throw ProblemException.conflict(`device ${deviceId} is registered by another partner`);
    const password = randomBytes(24).toString('base64url');
    const broker = await this.broker();
    await broker.createDeviceClient(deviceId, password);
    await this.db.device.upsert({ where: { id: deviceId }, create: { id: deviceId, partnerId, vehicleId }, update: { vehicleId } });
    this.directory.forget(deviceId);
    return {
      deviceId,
      vehicleId,
      mqtt: { url: this.publicMqttUrl, username: deviceId, password, topics: { crash: deviceTopic(deviceId, 'crash'), lock: deviceTopic(deviceId, 'lock') } },
    };
  }
}
