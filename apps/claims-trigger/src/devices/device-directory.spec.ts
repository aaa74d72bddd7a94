import { describe, expect, it } from 'vitest';
import type { DeviceRepository } from '@kuruma/data-access-db';
import { DeviceDirectory } from './device-directory';

function memoryDevices(rows: Record<string, { id: string; partnerId: string; vehicleId: string }>) {
  let reads = 0;
  const db: Pick<DeviceRepository, 'findById'> = { findById: async (id) => (reads++, rows[id] ?? null) };
  return { db, reads: () => reads };
}

describe(DeviceDirectory.name, () => {
  it("answers a device's vehicle and partner, from the cache while it is fresh", async () => {
    const devices = memoryDevices({ 'gw-1': { id: 'gw-1', partnerId: 'demo', vehicleId: 'car-1' } });
    const sut = new DeviceDirectory(devices.db, 60_000);
    expect(await sut.find('gw-1')).toEqual({ deviceId: 'gw-1', partnerId: 'demo', vehicleId: 'car-1' });
    expect(await sut.find('gw-1')).toEqual({ deviceId: 'gw-1', partnerId: 'demo', vehicleId: 'car-1' });
    expect(devices.reads()).toBe(1);
  });

  it('reads again once the entry is older than its time to live, so a device moved elsewhere is seen', async () => {
    const rows = { 'gw-2': { id: 'gw-2', partnerId: 'demo', vehicleId: 'car-1' } };
    const devices = memoryDevices(rows);
    const sut = new DeviceDirectory(devices.db, 0);
    await sut.find('gw-2');
    rows['gw-2'] = { id: 'gw-2', partnerId: 'demo', vehicleId: 'car-2' };
    await new Promise((r) => setTimeout(r, 2));
    expect((await sut.find('gw-2'))?.vehicleId).toBe('car-2');
  });

  it('forgets a device on re-registration, including one it had cached as unknown', async () => {
    const rows: Record<string, { id: string; partnerId: string; vehicleId: string }> = {};
    const sut = new DeviceDirectory(memoryDevices(rows).db, 60_000);
    expect(await sut.find('gw-3')).toBeNull();
    rows['gw-3'] = { id: 'gw-3', partnerId: 'demo', vehicleId: 'car-3' };
    expect(await sut.find('gw-3')).toBeNull();
    sut.forget('gw-3');
    expect(await sut.find('gw-3')).toEqual({ deviceId: 'gw-3', partnerId: 'demo', vehicleId: 'car-3' });
  });
});

describe(`${DeviceDirectory.name} under concurrent messages`, () => {
  it('reads a device once for all the messages that ask at the same time, and again after a failed read', async () => {
    const devices = memoryDevices({ 'gw-4': { id: 'gw-4', partnerId: 'demo', vehicleId: 'car-4' } });
    const sut = new DeviceDirectory(devices.db, 60_000);
    const found = await Promise.all(Array.from({ length: 50 }, () => sut.find('gw-4')));
    expect(found.every((d) => d?.vehicleId === 'car-4')).toBe(true);
    expect(devices.reads()).toBe(1);

    let fail = true;
    const flaky: Pick<DeviceRepository, 'findById'> = {
      findById: async () => {
        if (fail) throw new Error('pool timeout');
        return { id: 'gw-5', partnerId: 'demo', vehicleId: 'car-5' };
      },
    };
    const again = new DeviceDirectory(flaky, 60_000);
    await expect(again.find('gw-5')).rejects.toThrow('pool timeout');
    fail = false;
    expect((await again.find('gw-5'))?.vehicleId).toBe('car-5');
  });
});
