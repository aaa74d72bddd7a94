import type { DeviceRepository } from '@kuruma/data-access-db';

export interface RegisteredDevice {
  deviceId: string;
  vehicleId: string;
  partnerId: string;
}

/**
 * deviceId -> vehicle and partner; cached, invalidated when a device is (re-)registered here. The
 * cache holds the lookup itself, so the many messages of one device in flight at once when its
 * entry is missing or stale share one query (each making its own exhausted the connection pool).
 */
export class DeviceDirectory {
  private readonly cache = new Map<string, { device: Promise<RegisteredDevice | null>; at: number }>();

  constructor(
    private readonly devices: Pick<DeviceRepository, 'findById'>,
    private readonly ttlMs = 60_000,
  ) {}

  find(deviceId: string): Promise<RegisteredDevice | null> {
    const hit = this.cache.get(deviceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.device;
    const entry = { device: this.read(deviceId), at: Date.now() };
    this.cache.set(deviceId, entry);
    // A failed read is not an answer: the next message asks the database again.
    entry.device.catch(() => this.cache.get(deviceId) === entry && this.cache.delete(deviceId));
    return entry.device;
  }

  forget(deviceId: string): void {
    this.cache.delete(deviceId);
  }

  private async read(deviceId: string): Promise<RegisteredDevice | null> {
    const row = await this.devices.findById(deviceId);
    // A revoked device is unknown to the intake: what it sent before its deletion is dead-lettered.
    return row && !row.revokedAt ? { deviceId: row.id, vehicleId: row.vehicleId, partnerId: row.partnerId } : null;
  }
}
