import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { expect } from 'vitest';
import { baseUrl } from './platform';
import { DEMO_API_KEY, TEST_ENV } from './test-env';

export interface DeviceCredentials {
  deviceId: string;
  vehicleId: string;
  /** The device account's username and client id are `{prefix}{deviceId}`; topics carry the bare id. */
  mqtt: { url: string; username: string; password: string; clientId: string };
}

/**
 * Car gateways as a partner registers them (`PUT /v1/devices/{id}`) and as they connect (MQTT 5
 * with the credentials answered), one place for every test that publishes alerts. `end()` closes
 * every connection opened.
 */
export class DeviceGateways {
  private readonly clients: mqtt.MqttClient[] = [];

  constructor(private readonly idPrefix: string) {}

  async register(vehicleId: string): Promise<DeviceCredentials> {
    const deviceId = `${this.idPrefix}-${randomUUID().slice(0, 8)}`;
    const res = await fetch(`${baseUrl('claims-trigger')}/v1/devices/${deviceId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
      body: JSON.stringify({ vehicleId }),
    });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as DeviceCredentials;
  }

  async connect(creds: DeviceCredentials): Promise<mqtt.MqttClient> {
    const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], {
      protocolVersion: 5,
      clientId: creds.mqtt.clientId,
      username: creds.mqtt.username,
      password: creds.mqtt.password,
      reconnectPeriod: 0,
    });
    this.clients.push(client);
    return client;
  }

  async end(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
