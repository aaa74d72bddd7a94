import { createHash, randomUUID } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import type pg from 'pg';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { connectGateway } from './publish-alert';
import { baseUrl } from './platform-processes';
import { DEMO_API_KEY, TEST_ENV } from './test-env';

export type DeviceCredentials = DeviceCredentialsV1;

/** `PUT /v1/devices/{deviceId}` as a partner would call it; the raw response, for status checks. */
export function putDevice(apiKey: string, deviceId: string, vehicleId: string, csr?: string): Promise<Response> {
  return fetch(`${baseUrl('claims-trigger')}/v1/devices/${encodeURIComponent(deviceId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ vehicleId, csr }),
  });
}

/** `DELETE /v1/devices/{deviceId}`: the partner retires the gateway and its broker account goes at once. */
export function deleteDevice(apiKey: string, deviceId: string): Promise<Response> {
  return fetch(`${baseUrl('claims-trigger')}/v1/devices/${encodeURIComponent(deviceId)}`, { method: 'DELETE', headers: { 'x-api-key': apiKey } });
}

export async function registerDevice(apiKey: string, vehicleId = `sec-car-${randomUUID().slice(0, 8)}`, deviceId = `sec-gw-${randomUUID().slice(0, 8)}`): Promise<DeviceCredentials> {
  const res = await putDevice(apiKey, deviceId, vehicleId);
  if (res.status !== 200) throw new Error(`registering ${deviceId} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as DeviceCredentials;
}

/** Connects with a device's credentials to the test broker (plain listener unless `url` says otherwise). */
export function connectDevice(creds: DeviceCredentials, options: { caFile?: string; url?: string } & IClientOptions = {}): Promise<MqttClient> {
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

/**
 * Car gateways of the demo partner, registered as a partner does (`PUT /v1/devices/{id}`) and
 * connected as they do (MQTT 5 with the credentials answered): one place for every test, the bench
 * and the chaos run. `end()` closes every connection opened.
 */
export class DeviceGateways {
  private readonly clients: MqttClient[] = [];
  private readonly registered: string[] = [];

  constructor(
    private readonly idPrefix: string,
    private readonly connectOptions: IClientOptions = {},
  ) {}

  async register(vehicleId: string): Promise<DeviceCredentials> {
    const creds = await registerDevice(DEMO_API_KEY, vehicleId, `${this.idPrefix}-${randomUUID().slice(0, 8)}`);
    this.registered.push(creds.deviceId);
    return creds;
  }

  async connect(creds: DeviceCredentials): Promise<MqttClient> {
    const client = await connectDevice(creds, this.connectOptions);
    this.clients.push(client);
    return client;
  }

  /**
   * `force` drops the connections without waiting for in-flight QoS 1 acknowledgements. The devices
   * are then deleted as a partner retires them, so repeated runs do not grow the broker's account
   * store (thousands of stale accounts slowed every dynsec change and Mosquitto's start).
   */
  async end(force = false): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync(force)));
    const retiring = this.registered.splice(0);
    const kept: string[] = [];
    for (let i = 0; i < retiring.length; i += 20) {
      const answers = await Promise.all(retiring.slice(i, i + 20).map((id) => retireDevice(id)));
      kept.push(...answers.filter((a): a is string => a !== undefined));
    }
    // Said, not thrown: the run's figures stand, but the broker's store keeps these accounts.
    if (kept.length > 0) console.warn(`[devices] ${kept.length} of ${retiring.length} devices could not be deleted (${kept.slice(0, 3).join('; ')}): their broker accounts remain`);
  }
}

/**
 * Deletes a device as a partner retires it, trying again as the device contract asks on 429 (after
 * its Retry-After) and 503: a status other than 2xx or 404 was once dropped silently, and 645
 * bench gateways' accounts piled up in one session until dynamic-security commands timed out.
 * Returns why it failed, or undefined once deleted.
 */
async function retireDevice(id: string, attempts = 10): Promise<string | undefined> {
  let why = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res: Response;
    try {
      res = await deleteDevice(DEMO_API_KEY, id);
    } catch (error) {
      return `${id}: ${(error as Error).message}`; // the service is gone: nothing to retry against
    }
    if (res.ok || res.status === 404) return undefined;
    why = `${id}: ${res.status} ${(await res.text()).slice(0, 200)}`;
    if (res.status !== 429 && res.status !== 503) return why;
    const retryAfterS = Number(res.headers.get('retry-after'));
    await new Promise((r) => setTimeout(r, Number.isFinite(retryAfterS) && retryAfterS > 0 ? Math.min(retryAfterS, 10) * 1_000 : 1_000));
  }
  return why;
}

/**
 * A gateway's trip summary of the hour ending now on `bookingId`: 3,000 km with 300 harsh
 * brakings, which scores the consenting driver 0 at full credibility (docs/pricing.md).
 */
export const tripSummary = (bookingId: string, extra: Record<string, unknown> = {}) => ({
  tripId: `trip-${randomUUID().slice(0, 8)}`,
  bookingId,
  startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  endedAt: new Date().toISOString(),
  distanceMetres: 3_000_000,
  harshBrakingCount: 300,
  harshAccelerationCount: 0,
  speedingSeconds: 0,
  nightMinutes: 0,
  ...extra,
});
