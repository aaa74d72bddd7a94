import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import mqtt from 'mqtt';
import { loadStackConfig } from '@kuruma/config';
import { DeviceAccounts, DynamicSecurityClient, intakeClientId } from '@kuruma/data-access-messaging';
import { connectDevice, DEMO_API_KEY, PlatformProcesses, registerDevice, TEST_ENV } from '../../tools/harness';

const stack = loadStackConfig();
/** The intake's connections in this run (claims-trigger's default MQTT_INTAKE_CONNECTIONS). */
const INTAKE_CONNECTIONS = 16;
const intakeIds = Array.from({ length: INTAKE_CONNECTIONS }, (_, i) => intakeClientId(TEST_ENV['MQTT_CLIENT_ID'], i));

/** Tries to open a persistent session as `clientId` with a device's credentials; true if the broker let it in. */
async function takeOver(creds: DeviceCredentialsV1, clientId: string): Promise<boolean> {
  try {
    // mqtt.js acknowledges every QoS 1 message it receives: a taken-over session's queue is consumed here.
    const client = await connectDevice(creds, { clientId, clean: false, properties: { sessionExpiryInterval: 3600 } });
    await new Promise((r) => setTimeout(r, 500));
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

describe("finding 2: devices cannot take over the intake's persistent sessions", () => {
  const platform = new PlatformProcesses();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  let deviceA: DeviceCredentialsV1;
  let deviceB: DeviceCredentialsV1;
  // A device account as registration created them before the namespace: username = device id, no client id bound.
  const legacyDevice = `sec-legacy-${randomUUID().slice(0, 8)}`;
  let admin: DynamicSecurityClient;

  beforeAll(async () => {
    admin = await DynamicSecurityClient.connect(TEST_ENV['MQTT_URL'], stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD);
    await admin.ensureRole(DeviceAccounts.roleOf(legacyDevice), [{ acltype: 'publishClientSend', topic: `devices/${legacyDevice}/#`, allow: true }]);
    await admin.command('createClient', { username: legacyDevice, password: 'legacy-password-123', roles: [{ rolename: DeviceAccounts.roleOf(legacyDevice) }] });
    await platform.start(['claims-trigger']);
    deviceA = await registerDevice(DEMO_API_KEY);
    deviceB = await registerDevice(DEMO_API_KEY);
  });
  afterAll(async () => {
    await platform.stopAll();
    await admin?.deleteClient(legacyDevice);
    await admin?.deleteRole(DeviceAccounts.roleOf(legacyDevice));
    await admin?.close();
    await db.end();
  });

  it("refuses a device connecting with the intake's client id", async () => {
    await expect(connectDevice(deviceA, { clientId: TEST_ENV['MQTT_CLIENT_ID'] })).rejects.toThrow(/Bad User Name or Password|Not authorized|Client Identifier not valid/i);
  });

  it("refuses a device connecting with another device's client id", async () => {
    await expect(connectDevice(deviceA, { clientId: deviceB.mqtt.clientId })).rejects.toThrow(/Bad User Name or Password|Not authorized|Client Identifier not valid/i);
  });

  it('binds a device account from before the namespace to its device id: its gateway still connects, but not as the intake', async () => {
    const legacy = (clientId: string) =>
      mqtt.connectAsync(TEST_ENV['MQTT_URL'], { username: legacyDevice, password: 'legacy-password-123', clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 });
    await expect(legacy(TEST_ENV['MQTT_CLIENT_ID'])).rejects.toThrow(/Bad User Name or Password|Not authorized|Client Identifier not valid/i);
    const gateway = await legacy(legacyDevice);
    expect(gateway.connected).toBe(true);
    await gateway.endAsync();
  });

  it('applies every alert queued while claims-trigger is down, even though a device tried to take its sessions', async () => {
    await platform.kill('claims-trigger');
    const device = await connectDevice(deviceA);
    const eventIds = Array.from({ length: 3 * INTAKE_CONNECTIONS }, () => randomUUID());
    for (const eventId of eventIds) {
      await device.publishAsync(deviceA.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.2 }), { qos: 1 });
    }
    await device.endAsync();

    const tookOver = [];
    for (const clientId of intakeIds) if (await takeOver(deviceA, clientId)) tookOver.push(clientId);

    await platform.ensureRunning('claims-trigger');
    const applied = async () => (await db.query('SELECT count(DISTINCT event_id)::int AS n FROM incident WHERE event_id = ANY($1)', [eventIds])).rows[0].n;
    await expect.poll(applied, { timeout: 30_000 }).toBe(eventIds.length);
    expect(tookOver).toEqual([]);
  });
});
