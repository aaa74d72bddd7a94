import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { DynamicSecurityClient, intakeLoginOf, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { mosquittoPaths } from '../../infra/local/mosquitto-broker';
import { connectDevice, DEMO_API_KEY, PlatformProcesses, publishAlert, registerDevice, TEST_ENV } from '../../tools/harness';

const stack = loadStackConfig();
const devCa = mosquittoPaths(stack.STACK_STATE_DIR).caFile;

describe('MQTT broker hardening against devices', () => {
  const platform = new PlatformProcesses();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const observerId = `sec-observer-${randomUUID().slice(0, 8)}`;
  let admin: DynamicSecurityClient;
  let creds: DeviceCredentialsV1;

  beforeAll(async () => {
    admin = await DynamicSecurityClient.connect(TEST_ENV['MQTT_URL'], stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD);
    await provisionIntakeAccounts(admin, [observerId], stack.MQTT_SERVICE_PASSWORD);
    await platform.start(['claims-trigger']);
    creds = await registerDevice(DEMO_API_KEY);
  });
  afterAll(async () => {
    await platform.stopAll();
    await admin?.deleteClient(observerId);
    await admin?.close();
    await db.end();
  });

  /** A platform-side subscriber that joins after the device published; what it receives, with the retain flag. */
  async function lateSubscriber(topic: string, listenMs = 1_500): Promise<{ retain: boolean }[]> {
    const login = intakeLoginOf(observerId, stack.MQTT_SERVICE_PASSWORD);
    const client: MqttClient = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], { ...login, clientId: observerId, protocolVersion: 5, clean: true, reconnectPeriod: 0 });
    const received: { retain: boolean }[] = [];
    client.on('message', (_topic, _payload, packet) => received.push({ retain: packet.retain }));
    await client.subscribeAsync(topic, { qos: 1 });
    await new Promise((r) => setTimeout(r, listenMs));
    await client.endAsync();
    return received;
  }

  describe('finding 9: devices cannot leave retained messages', () => {
    for (const protocolVersion of [5, 4] as const) {
      it(`a retained publish from a device (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'}) never reaches a later subscriber as retained`, async () => {
        const device = await connectDevice(creds, { protocolVersion });
        device.on('error', () => undefined);
        const payload = JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: 'locked' });
        // Refused either way is fine: by the client (the CONNACK says retain is unavailable) or by the broker (disconnect).
        await Promise.race([device.publishAsync(creds.mqtt.topics.lock, payload, { qos: 1, retain: true }).catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
        device.end(true);
        expect((await lateSubscriber(creds.mqtt.topics.lock)).filter((m) => m.retain)).toEqual([]);
      });
    }
  });

  describe('TLS for devices', () => {
    it('a registered device connects over TLS at the address its registration answered, trusting the local CA, and its alert is applied', async () => {
      expect(creds.mqtt.url).toMatch(/^mqtts:\/\//);
      const device = await connectDevice(creds, { url: creds.mqtt.url, caFile: devCa });
      const eventId = randomUUID();
      await publishAlert(device, creds.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.0 }));
      await device.endAsync();
      await expect.poll(async () => (await db.query('SELECT count(*)::int AS n FROM incident WHERE event_id = $1', [eventId])).rows[0].n, { timeout: 15_000 }).toBe(1);
    });

    it('refuses the connection when the client trusts another CA (a broker it cannot verify)', async () => {
      const otherCa = mkdtempSync(join(tmpdir(), 'kuruma-other-ca-'));
      const made = spawnSync('sh', [resolve(__dirname, '../../infra/mosquitto/dev-certs.sh'), otherCa], { encoding: 'utf8' });
      expect(made.status).toBe(0);
      await expect(connectDevice(creds, { url: creds.mqtt.url, caFile: join(otherCa, 'ca.crt') })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    });

    it('refuses plain MQTT on the TLS port', async () => {
      await expect(connectDevice(creds, { url: creds.mqtt.url.replace('mqtts://', 'mqtt://'), connectTimeout: 3_000 })).rejects.toThrow();
    });
  });
});
