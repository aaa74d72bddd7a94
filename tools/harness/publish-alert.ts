import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';

/** MQTT 5 PUBACK reason code 0x10: the broker took the message but no subscription matched it. */
export const NO_MATCHING_SUBSCRIBERS = 0x10;

/**
 * Connects a gateway with what `PUT /v1/devices/{id}` answered: its account, the one client id that
 * account accepts, and the broker address (mqtts:// in production). Over TLS the broker's
 * certificate is checked against `caFile` when given (the development CA,
 * `infra/local/.state/mosquitto/tls/ca.crt`), else against the system's CAs.
 */
export function connectGateway(
  credentials: DeviceCredentialsV1['mqtt'],
  options: { caFile?: string; url?: string } & IClientOptions = {},
): Promise<MqttClient> {
  const { caFile, url = credentials.url, ...overrides } = options;
  return mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: credentials.clientId,
    username: credentials.username,
    password: credentials.password,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...(caFile ? { ca: readFileSync(caFile) } : {}),
    ...overrides,
  });
}

export interface AlertDelivery {
  /** Publishes it took until the broker answered Success (0x00). */
  attempts: number;
}

/**
 * How a gateway should publish an alert under the device contract (docs/claims.md): QoS 1, and
 * keep the alert until the PUBACK says Success. A PUBACK with 0x10 "No matching subscribers" means
 * the platform's intake was not subscribed at that moment (right after a broker restart the shared
 * subscription is back only once claims-trigger has reconnected), so the alert is published again
 * after a back-off, with the same eventId (the platform drops duplicates by eventId).
 *
 * mqtt.js resolves a publish for 0x10 as for Success, so the reason code is read off the PUBACK.
 */
export async function publishAlert(
  client: MqttClient,
  topic: string,
  payload: string,
  options: { dup?: boolean; maxAttempts?: number; backoffMs?: number } = {},
): Promise<AlertDelivery> {
  const { maxAttempts = 60, backoffMs = 500 } = options;
  for (let attempt = 1; ; attempt++) {
    const reason = await publishOnce(client, topic, payload, attempt > 1 || options.dup === true);
    if (reason !== NO_MATCHING_SUBSCRIBERS) return { attempts: attempt };
    if (attempt >= maxAttempts) throw new Error(`no platform intake subscribed after ${attempt} attempts`);
    await new Promise((r) => setTimeout(r, Math.min(5_000, backoffMs * attempt)));
  }
}

function publishOnce(client: MqttClient, topic: string, payload: string, dup: boolean): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let messageId: number | undefined;
    let reason = 0;
    const onSend = (packet: Packet) => {
      if (packet.cmd === 'publish' && packet.topic === topic && String(packet.payload) === payload) messageId = packet.messageId;
    };
    const onReceive = (packet: Packet) => {
      if (packet.cmd === 'puback' && packet.messageId === messageId) reason = packet.reasonCode ?? 0;
    };
    client.on('packetsend', onSend);
    client.on('packetreceive', onReceive);
    client.publish(topic, payload, { qos: 1, dup }, (error) => {
      client.off('packetsend', onSend);
      client.off('packetreceive', onReceive);
      if (error) reject(error);
      else resolve(reason);
    });
  });
}
