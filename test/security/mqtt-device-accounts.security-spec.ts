import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { DynamicSecurityClient, intakeLoginOf, MqttRoles } from '@kuruma/data-access-messaging';
import { baseUrl, connectDevice, DEMO_API_KEY, ensurePartner, PlatformProcesses, putDevice, registerDevice, TEST_ENV } from '../../tools/harness';

const stack = loadStackConfig();
const prefix = stack.MQTT_DEVICE_ACCOUNT_PREFIX;
const canLogIn = async (username: string, password: string, clientId = `sec-probe-${randomUUID().slice(0, 8)}`) => {
  try {
    const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], { username, password, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
};
const expectProblem = async (res: Response, status: number, detail: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
};
const ready = async () => (await fetch(`${baseUrl('claims-trigger')}/health/ready`)).status;

describe('finding 1: device registration cannot take over MQTT accounts', () => {
  const platform = new PlatformProcesses();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  let admin: DynamicSecurityClient;
  let earlier: DeviceCredentialsV1;

  beforeAll(async () => {
    admin = await DynamicSecurityClient.connect(TEST_ENV['MQTT_URL'], stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD);
    await platform.start(['claims-trigger']);
    earlier = await registerDevice(DEMO_API_KEY);
  });
  afterAll(async () => {
    await platform.stopAll();
    await admin?.close();
    await db.end();
  });

  it("refuses the dynsec admin's name as a device id; the admin still logs in and claims-trigger keeps running", async () => {
    await expectProblem(await putDevice(DEMO_API_KEY, stack.MQTT_ADMIN_USER, 'sec-car-admin'), 409, /not a device/);
    expect(await canLogIn(stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD)).toBe(true);
    // The registration still works for everyone else, through the same admin connection.
    await registerDevice(DEMO_API_KEY);
    expect(await ready()).toBe(200);
  });

  it("refuses the intake service account's name; its password is untouched, so the intake stays connected", async () => {
    const intakeAccount = TEST_ENV['MQTT_CLIENT_ID'];
    await expectProblem(await putDevice(DEMO_API_KEY, intakeAccount, 'sec-car-intake'), 409, /not a device/);
    await expectProblem(await putDevice(DEMO_API_KEY, `${intakeAccount}-1`, 'sec-car-intake'), 409, /not a device/);
    expect((await admin.getAccount(intakeAccount))?.roles).toEqual([MqttRoles.platformService]);
    // A rotated password would have disconnected the intake for good: it stays ready.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await ready()).toBe(200);
    // And the intake's own credentials still log in (with a client id it is not bound to, they do not).
    const spare = `${intakeAccount}-63`;
    expect(await canLogIn(spare, intakeLoginOf(spare, stack.MQTT_SERVICE_PASSWORD).password, spare)).toBe(true);
  });

  it('refuses a device id whose prefixed account exists and is not a device account; that account still works', async () => {
    const victim = `sec-victim-${randomUUID().slice(0, 8)}`;
    const username = `${prefix}${victim}`;
    await admin.command('createClient', { username, password: 'victim-password-123', roles: [{ rolename: MqttRoles.platformService }] });
    try {
      await expectProblem(await putDevice(DEMO_API_KEY, victim, 'sec-car-victim'), 409, /not a device account/);
      expect(await canLogIn(username, 'victim-password-123')).toBe(true);
      expect((await admin.getAccount(username))?.roles).toEqual([MqttRoles.platformService]);
    } finally {
      await admin.deleteClient(username);
    }
  });

  it("puts every device account in the device namespace, bound to its own client id", async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    expect(creds.mqtt.username).toBe(`${prefix}${creds.deviceId}`);
    expect(creds.mqtt.clientId).toBe(creds.mqtt.username);
    const device = await connectDevice(creds);
    await device.endAsync();
    expect(await canLogIn(creds.mqtt.username, creds.mqtt.password)).toBe(false);
  });

  it("refuses partner B rotating the password of partner A's device; A's credentials keep working", async () => {
    const partnerB = await ensurePartner(db, 'sec-partner-b');
    const creds = await registerDevice(DEMO_API_KEY);
    await expectProblem(await putDevice(partnerB, creds.deviceId, creds.vehicleId), 409, /another partner/);
    const device = await connectDevice(creds);
    expect(device.connected).toBe(true);
    await device.endAsync();
    // A itself may rotate: the old password stops working, the new one works.
    const rotated = await registerDevice(DEMO_API_KEY, creds.vehicleId, creds.deviceId);
    expect(rotated.mqtt.password).not.toBe(creds.mqtt.password);
    expect(await canLogIn(creds.mqtt.username, creds.mqtt.password, creds.mqtt.clientId)).toBe(false);
    expect(await canLogIn(rotated.mqtt.username, rotated.mqtt.password, rotated.mqtt.clientId)).toBe(true);
  });

  it('answers 503 problem+json for registration when its admin login fails, and keeps the intake and the claims API running', async () => {
    await platform.stopAll();
    const crippled = new PlatformProcesses({ MQTT_ADMIN_PASSWORD: 'not-the-admin-password' });
    try {
      await crippled.start(['claims-trigger']);
      await expectProblem(await putDevice(DEMO_API_KEY, `sec-gw-${randomUUID().slice(0, 8)}`, 'sec-car-503'), 503, /unavailable/);
      expect(await ready()).toBe(200);
      expect((await fetch(`${baseUrl('claims-trigger')}/v1/claims`, { headers: { 'x-api-key': DEMO_API_KEY } })).status).toBe(200);
      // A device registered earlier still gets its alert applied.
      const device = await connectDevice(earlier);
      const eventId = randomUUID();
      await device.publishAsync(earlier.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.1 }), { qos: 1 });
      await device.endAsync();
      await expect.poll(async () => (await db.query('SELECT count(*)::int AS n FROM incident WHERE event_id = $1', [eventId])).rows[0].n, { timeout: 15_000 }).toBe(1);
      expect(await ready()).toBe(200);
    } finally {
      await crippled.stopAll();
    }
  });
});
