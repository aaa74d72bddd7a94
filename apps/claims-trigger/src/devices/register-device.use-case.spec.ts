import { ConflictError, DomainError, InvalidRequestError, UnavailableError } from '@kuruma/service-kit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceRepository } from '@kuruma/data-access-db';
import { type BrokerAccount, DeviceAccounts, type DynamicSecurityClient } from '@kuruma/data-access-messaging';
import { DeviceDirectory } from './device-directory';
import { RegisterDeviceUseCase } from './register-device.use-case';

const PREFIX = 'device:';

/** The dynsec commands device registration uses, on accounts kept in memory. */
function memoryBroker() {
  const accounts = new Map<string, BrokerAccount & { password: string }>();
  const roles = new Map<string, { acltype: string; topic: string; allow: boolean }[]>();
  const admin = {
    getAccount: async (username: string) => accounts.get(username) ?? null,
    ensureRole: async (rolename: string, acls: { acltype: string; topic: string; allow: boolean }[]) => void roles.set(rolename, acls),
    ensureBoundClient: async (username: string, password: string, clientid: string, rolename: string) => {
      const existing = accounts.get(username);
      if (existing && existing.roles.some((r) => r !== rolename)) throw new Error(`MQTT account ${username} exists with other roles`);
      accounts.set(username, { username, password, clientid, roles: [rolename] });
    },
    deleteClient: async (username: string) => void accounts.delete(username),
  };
  return { accounts, roles, deviceAccounts: new DeviceAccounts(admin as unknown as DynamicSecurityClient, PREFIX) };
}

function memoryDevices() {
  const rows = new Map<string, { id: string; partnerId: string; vehicleId: string }>();
  const db: Pick<DeviceRepository, 'findById' | 'upsert'> = {
    findById: async (id) => rows.get(id) ?? null,
    upsert: async (device) => {
      const row = rows.get(device.id);
      rows.set(device.id, row ? { ...row, vehicleId: device.vehicleId } : device);
    },
  };
  return { rows, db };
}

function setup(options: { brokerAway?: boolean } = {}) {
  const broker = memoryBroker();
  const devices = memoryDevices();
  const directory = new DeviceDirectory(devices.db);
  const accounts = async () => {
    if (options.brokerAway) throw new Error('Connection refused: Not authorized');
    return broker.deviceAccounts;
  };
  const sut = new RegisterDeviceUseCase(devices.db, accounts, directory, 'mqtts://broker.example:8884', pino({ level: 'silent' }), (_deviceId, work) => work());
  return { sut, broker, devices, directory };
}

/** The domain error a refusal is thrown as (ProblemFilter renders ConflictError 409, InvalidRequestError 400, UnavailableError 503). */
const refusalOf = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).constructor;
};

describe(RegisterDeviceUseCase.name, () => {
  it("creates the gateway's namespaced account, confined to its own topics, stores the vehicle and answers the credentials once", async () => {
    const { sut, broker, devices, directory } = setup();
    // Looked up (and cached as unknown) before it was registered: the directory must not keep that.
    expect(await directory.find('gw-1')).toBeNull();

    const creds = await sut.execute('demo', 'gw-1', 'car-1');

    expect(creds).toMatchObject({ deviceId: 'gw-1', vehicleId: 'car-1', mqtt: { url: 'mqtts://broker.example:8884', username: 'device:gw-1', clientId: 'device:gw-1', topics: { crash: 'devices/gw-1/crash', lock: 'devices/gw-1/lock', trip: 'devices/gw-1/trip' } } });
    expect(broker.accounts.get('device:gw-1')).toMatchObject({ password: creds.mqtt.password, clientid: 'device:gw-1', roles: [DeviceAccounts.roleOf('gw-1')] });
    expect(broker.roles.get(DeviceAccounts.roleOf('gw-1'))).toEqual([{ acltype: 'publishClientSend', topic: 'devices/gw-1/#', allow: true }]);
    expect(devices.rows.get('gw-1')).toEqual({ id: 'gw-1', partnerId: 'demo', vehicleId: 'car-1' });
    expect(await directory.find('gw-1')).toEqual({ deviceId: 'gw-1', partnerId: 'demo', vehicleId: 'car-1' });
  });

  it('gives the same partner a new password on re-registration, and moves the device to the new vehicle', async () => {
    const { sut, broker, devices } = setup();
    const first = await sut.execute('demo', 'gw-2', 'car-1');
    const second = await sut.execute('demo', 'gw-2', 'car-2');
    expect(second.mqtt.password).not.toBe(first.mqtt.password);
    expect(broker.accounts.get('device:gw-2')?.password).toBe(second.mqtt.password);
    expect(devices.rows.get('gw-2')?.vehicleId).toBe('car-2');
  });

  it("refuses with 409 another partner re-registering a device, and the owner's credentials stay", async () => {
    const { sut, broker, devices } = setup();
    const owner = await sut.execute('demo', 'gw-3', 'car-1');
    expect(await refusalOf(sut.execute('rival', 'gw-3', 'car-9'))).toBe(ConflictError);
    expect(broker.accounts.get('device:gw-3')?.password).toBe(owner.mqtt.password);
    expect(devices.rows.get('gw-3')).toEqual({ id: 'gw-3', partnerId: 'demo', vehicleId: 'car-1' });
  });

  it('refuses with 409 a device id whose account name is a platform account, and leaves that account alone', async () => {
    const { sut, broker } = setup();
    broker.accounts.set('device:kuruma', { username: 'device:kuruma', password: 'platform-secret', roles: ['platform-service'] });
    expect(await refusalOf(sut.execute('demo', 'kuruma', 'car-1'))).toBe(ConflictError);
    expect(broker.accounts.get('device:kuruma')).toMatchObject({ password: 'platform-secret', roles: ['platform-service'] });
  });

  it('refuses with 400 a device id that could not be a topic level, before touching the broker', async () => {
    const { sut, broker } = setup();
    expect(await refusalOf(sut.execute('demo', 'gw/+/#', 'car-1'))).toBe(InvalidRequestError);
    expect(broker.accounts.size).toBe(0);
  });

  it('refuses with 400 a certificate request where no device CA is configured', async () => {
    const { sut, broker } = setup();
    expect(await refusalOf(sut.execute('demo', 'gw-4', 'car-1', '-----BEGIN CERTIFICATE REQUEST-----'))).toBe(InvalidRequestError);
    expect(broker.accounts.size).toBe(0);
  });

  it('answers 503 while the broker cannot be administered, and stores nothing', async () => {
    const { sut, devices } = setup({ brokerAway: true });
    expect(await refusalOf(sut.execute('demo', 'gw-5', 'car-1'))).toBe(UnavailableError);
    expect(devices.rows.size).toBe(0);
  });
});
