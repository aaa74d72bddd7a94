import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { intakeClientId } from '@kuruma/data-access-messaging';
import { connectDevice, registerDevice } from '../support/devices';
import { PlatformProcesses } from '../support/platform';
import { DEMO_API_KEY, TEST_ENV } from '../support/test-env';

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

  beforeAll(async () => {
    await platform.start(['claims-trigger']);
    deviceA = await registerDevice(DEMO_API_KEY);
    deviceB = await registerDevice(DEMO_API_KEY);
  });
  afterAll(async () => {
    await platform.stopAll();
    await db.end();
  });

  it("refuses a device connecting with the intake's client id", async () => {
    await expect(connectDevice(deviceA, { clientId: TEST_ENV['MQTT_CLIENT_ID'] })).rejects.toThrow(/Bad User Name or Password|Not authorized|Client Identifier not valid/i);
  });

  it("refuses a device connecting with another device's client id", async () => {
    await expect(connectDevice(deviceA, { clientId: deviceB.mqtt.clientId })).rejects.toThrow(/Bad User Name or Password|Not authorized|Client Identifier not valid/i);
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
