import { createHash, randomUUID } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import type pg from 'pg';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { connectGateway } from '../../tools/devices/publish-alert';
import { baseUrl } from './platform';
import { TEST_ENV } from './test-env';

/** `PUT /v1/devices/{deviceId}` as a partner would call it; the raw response, for status checks. */
export function putDevice(apiKey: string, deviceId: string, vehicleId: string, csr?: string): Promise<Response> {
  return fetch(`${baseUrl('claims-trigger')}/v1/devices/${encodeURIComponent(deviceId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ vehicleId, csr }),
  });
}

export async function registerDevice(apiKey: string, vehicleId = `sec-car-${randomUUID().slice(0, 8)}`, deviceId = `sec-gw-${randomUUID().slice(0, 8)}`): Promise<DeviceCredentialsV1> {
  const res = await putDevice(apiKey, deviceId, vehicleId);
  if (res.status !== 200) throw new Error(`registering ${deviceId} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as DeviceCredentialsV1;
}

/** Connects with a device's credentials to the test broker (plain listener unless `url` says otherwise). */
export function connectDevice(creds: DeviceCredentialsV1, options: { caFile?: string; url?: string } & IClientOptions = {}): Promise<MqttClient> {
  return connectGateway(creds.mqtt, { url: TEST_ENV['MQTT_URL'], ...options });
}

/** A second partner with its own API key (idempotent). */
export async function ensurePartner(db: pg.Pool, id: string): Promise<string> {
  const apiKey = `${id}-api-key-${randomUUID()}`;
  await db.query(
    `INSERT INTO partner (id, name, api_key_hash, webhook_secret) VALUES ($1, $1, $2, 'whsec_c2VjdXJpdHktdGVzdC1wYXJ0bmVyLXNlY3JldA==')
     ON CONFLICT (id) DO UPDATE SET api_key_hash = EXCLUDED.api_key_hash`,
    [id, createHash('sha256').update(apiKey).digest('hex')],
  );
  return apiKey;
}
