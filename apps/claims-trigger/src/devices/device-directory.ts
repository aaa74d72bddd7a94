import type { DeviceRepository } from '@kuruma/data-access-db';

export interface RegisteredDevice {
  deviceId: string;
  vehicleId: string;
  partnerId: string;
}

/** deviceId -> vehicle and partner; cached, invalidated when a device is (re-)registered here. */
export class DeviceDirectory {
  private readonly cache = new Map<string, { device: RegisteredDevice | null; at: number }>();

  constructor(
    private readonly devices: Pick<DeviceRepository, 'findById'>,
    private readonly ttlMs = 60_000,
  ) {}

  async find(deviceId: string): Promise<RegisteredDevice | null> {
    const hit = this.cache.get(deviceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.device;
    const row = await this.devices.findById(deviceId);
    const device = row ? { deviceId: row.id, vehicleId: row.vehicleId, partnerId: row.partnerId } : null;
    this.cache.set(deviceId, { device, at: Date.now() });
    return device;
  }

  forget(deviceId: string): void {
    this.cache.delete(deviceId);
  }
}
