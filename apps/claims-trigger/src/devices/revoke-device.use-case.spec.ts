import { DomainError, NotFoundError, UnavailableError } from '@kuruma/service-kit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceRepository, DeviceRow } from '@kuruma/data-access-db';
import type { DeviceAccounts } from '@kuruma/data-access-messaging';
import { DeviceDirectory } from './device-directory';
import { RevokeDeviceUseCase } from './revoke-device.use-case';

function setup(options: { brokerAway?: boolean } = {}) {
  const rows = new Map<string, DeviceRow>([
    ['gw-a', { id: 'gw-a', partnerId: 'demo', vehicleId: 'car-1', revokedAt: null }],
    ['gw-old', { id: 'gw-old', partnerId: 'demo', vehicleId: 'car-2', revokedAt: new Date('2026-11-30T00:00:00Z') }],
  ]);
  const removed: string[] = [];
  const devices: Pick<DeviceRepository, 'findById' | 'revoke'> = {
    findById: async (id) => rows.get(id) ?? null,
    revoke: async (id, partnerId) => {
      const row = rows.get(id);
      if (!row || row.partnerId !== partnerId || row.revokedAt) return false;
      rows.set(id, { ...row, revokedAt: new Date() });
      return true;
    },
  };
  const accounts = async () => {
    if (options.brokerAway) throw new Error('Connection refused: Not authorized');
    return { remove: async (id: string) => void removed.push(id) } as unknown as DeviceAccounts;
  };
  const directory = new DeviceDirectory(devices);
  return { sut: new RevokeDeviceUseCase(devices, accounts, directory, pino({ level: 'silent' }), (_deviceId, work) => work()), rows, removed, directory };
}

const refusalOf = (work: Promise<unknown>) => work.then(() => undefined, (e: unknown) => (e instanceof DomainError ? e.constructor : e));

describe(RevokeDeviceUseCase.name, () => {
  it("removes the broker account, marks the row revoked, and the intake no longer knows the device", async () => {
    const { sut, rows, removed, directory } = setup();
    expect(await directory.find('gw-a')).not.toBeNull();
    await sut.execute('demo', 'gw-a');
    expect(removed).toEqual(['gw-a']);
    expect(rows.get('gw-a')?.revokedAt).toBeInstanceOf(Date);
    expect(await directory.find('gw-a')).toBeNull();
  });

  it("answers 404 for another partner's device, an unknown id and an already revoked device, touching no account", async () => {
    const { sut, removed } = setup();
    expect(await refusalOf(sut.execute('rival', 'gw-a'))).toBe(NotFoundError);
    expect(await refusalOf(sut.execute('demo', 'gw-none'))).toBe(NotFoundError);
    expect(await refusalOf(sut.execute('demo', 'gw-old'))).toBe(NotFoundError);
    expect(removed).toEqual([]);
  });

  it('answers 503 when the broker cannot be administered, and leaves the device active', async () => {
    const { sut, rows } = setup({ brokerAway: true });
    expect(await refusalOf(sut.execute('demo', 'gw-a'))).toBe(UnavailableError);
    expect(rows.get('gw-a')?.revokedAt).toBeNull();
  });
});
