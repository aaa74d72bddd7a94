import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceAccounts, DynamicSecurityClient, intakeLoginOf, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { loadStackConfig } from '@kuruma/config';
import { publishAlert } from '../../tools/harness';

const config = loadStackConfig();
const connect = (username: string, password: string, clientId = username) =>
  mqtt.connectAsync(config.MQTT_URL, { username, password, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 });
const login = (deviceId: string) => DeviceAccounts.loginOf(config.MQTT_DEVICE_ACCOUNT_PREFIX, deviceId).username;

describe('project Mosquitto device authentication', () => {
  const deviceA = `test-dev-a-${randomUUID().slice(0, 8)}`;
  const deviceB = `test-dev-b-${randomUUID().slice(0, 8)}`;
  const serviceId = `test-auth-intake-${randomUUID().slice(0, 8)}`;
  let admin: DynamicSecurityClient;
  let accounts: DeviceAccounts;
  let service: MqttClient;
  const received: string[] = [];

  beforeAll(async () => {
    admin = await DynamicSecurityClient.connect(config.MQTT_URL, config.MQTT_ADMIN_USER, config.MQTT_ADMIN_PASSWORD);
    accounts = new DeviceAccounts(admin, config.MQTT_DEVICE_ACCOUNT_PREFIX);
    await accounts.provision(deviceA, 'password-a-123456');
    await accounts.provision(deviceB, 'password-b-123456');
    await provisionIntakeAccounts(admin, [serviceId], config.MQTT_SERVICE_PASSWORD);
    const intake = intakeLoginOf(serviceId, config.MQTT_SERVICE_PASSWORD);
    service = await connect(intake.username, intake.password, serviceId);
    service.on('message', (topic) => received.push(topic));
    await service.subscribeAsync(['devices/+/crash', 'devices/+/lock'], { qos: 1 });
  });

  afterAll(async () => {
    await service?.endAsync();
    await accounts?.remove(deviceA);
    await accounts?.remove(deviceB);
    await admin?.deleteClient(serviceId);
    await admin?.close();
  });

  it('lets a gateway see that no intake took its alert (PUBACK 0x10) and publish it again until one does', async () => {
    const sut = await connect(login(deviceA), 'password-a-123456');
    // A topic of the device's own that nobody subscribes to yet, like the moments after a broker restart.
    const topic = `devices/${deviceA}/probe-${randomUUID().slice(0, 6)}`;
    const delivery = publishAlert(sut, topic, '{"eventId":"late"}', { backoffMs: 200 });
    await new Promise((r) => setTimeout(r, 700));
    await service.subscribeAsync(topic, { qos: 1 });
    const result = await delivery;
    expect(result.attempts).toBeGreaterThan(1);
    await expect.poll(() => received, { timeout: 5_000 }).toContain(topic);
    await sut.endAsync();
  });

  it('delivers what a device publishes under its own topics', async () => {
    const sut = await connect(login(deviceA), 'password-a-123456');
    await sut.publishAsync(`devices/${deviceA}/crash`, '{"eventId":"own"}', { qos: 1 });
    await expect.poll(() => received, { timeout: 5_000 }).toContain(`devices/${deviceA}/crash`);
    await sut.endAsync();
  });

  it("refuses device A publishing under device B's topics", async () => {
    const sut = await connect(login(deviceA), 'password-a-123456');
    // MQTT 5: the broker answers the QoS 1 publish with reason code 0x87 "not authorized".
    await expect(sut.publishAsync(`devices/${deviceB}/crash`, '{"eventId":"forged"}', { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    // And the forged message never reaches the platform (an own message sent after it does).
    await sut.publishAsync(`devices/${deviceA}/lock`, '{"eventId":"after"}', { qos: 1 });
    await expect.poll(() => received, { timeout: 5_000 }).toContain(`devices/${deviceA}/lock`);
    expect(received).not.toContain(`devices/${deviceB}/crash`);
    await sut.endAsync();
  });

  it('refuses a wrong device password', async () => {
    await expect(connect(login(deviceA), 'wrong-password')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('refuses anonymous connections', async () => {
    await expect(
      mqtt.connectAsync(config.MQTT_URL, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 }),
    ).rejects.toThrow();
  });

  it('lets a device added at runtime connect at once, without a broker restart', async () => {
    const late = `test-dev-late-${randomUUID().slice(0, 8)}`;
    await expect(connect(login(late), 'late-password-123')).rejects.toThrow();
    await accounts.provision(late, 'late-password-123');
    const sut = await connect(login(late), 'late-password-123');
    expect(sut.connected).toBe(true);
    await sut.endAsync();
    await accounts.remove(late);
  });
});
