/**
 * docs/asyncapi.yaml is generated from the contracts (TOPIC_SPECS and the zod schemas), so the
 * published documentation cannot drift from what the services validate. `--check` fails when the
 * committed file differs from what the schemas produce (run in CI through the unit tests too).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import {
  bookingAcceptedV1Schema,
  bookingEventV1Schema,
  claimEventV1Schema,
  crashAlertV1Schema,
  lockAlertV1Schema,
  policyEventV1Schema,
  TOPIC_SPECS,
  Topics,
  vehicleDamageV1Schema,
} from '@kuruma/contracts';

export const ASYNCAPI_PATH = resolve(__dirname, '../docs/asyncapi.yaml');

const payloads: Record<string, { name: string; schema: z.ZodType; summary: string }> = {
  [Topics.bookingEvents]: { name: 'BookingEvent', schema: bookingEventV1Schema, summary: 'A partner booking lifecycle event.' },
  [Topics.policyEvents]: { name: 'PolicyEvent', schema: policyEventV1Schema, summary: 'A policy lifecycle event.' },
  [Topics.claimEvents]: { name: 'ClaimEvent', schema: claimEventV1Schema, summary: 'An FNOL claim or uncovered-incident event.' },
  [Topics.bookingAccepted]: { name: 'BookingAccepted', schema: bookingAcceptedV1Schema, summary: 'An accepted, ordered booking event.' },
  [Topics.vehicleDamage]: { name: 'VehicleDamage', schema: vehicleDamageV1Schema, summary: "A partner vehicle's open damage claim count." },
};

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

export function buildAsyncApi(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const spec of TOPIC_SPECS) {
    const id = spec.name.replace(/[^A-Za-z0-9]/g, '_');
    const payload = payloads[spec.name];
    const messageName = payload?.name ?? `${id}_record`;
    messages[messageName] = payload
      ? { name: payload.name, summary: payload.summary, contentType: 'application/json', payload: jsonSchema(payload.schema) }
      : { name: messageName, summary: spec.description, contentType: 'application/json' };
    channels[id] = {
      address: spec.name,
      description: spec.description,
      messages: { [messageName]: { $ref: `#/components/messages/${messageName}` } },
      bindings: {
        kafka: {
          topic: spec.name,
          partitions: spec.partitions,
          topicConfiguration: {
            'cleanup.policy': [spec.cleanupPolicy],
            'retention.ms': spec.retentionMs,
            'max.message.bytes': spec.maxMessageBytes,
          },
        },
      },
      'x-visibility': spec.visibility,
      'x-key': spec.key,
      ...(spec.deadLetter ? { 'x-dead-letter-topic': spec.deadLetter } : {}),
    };
    const partnerPublishes = spec.name === Topics.bookingEvents;
    operations[`${partnerPublishes ? 'publish' : 'consume'}_${id}`] = {
      action: partnerPublishes ? 'receive' : 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: partnerPublishes ? 'Partners publish; the platform receives.' : 'The platform publishes.',
    };
  }
  for (const [channel, payload] of [
    ['crash', crashAlertV1Schema],
    ['lock', lockAlertV1Schema],
  ] as const) {
    const name = channel === 'crash' ? 'CrashAlert' : 'LockAlert';
    messages[name] = { name, contentType: 'application/json', payload: jsonSchema(payload) };
    channels[`devices_${channel}`] = {
      address: `devices/{deviceId}/${channel}`,
      description: `Devices publish ${channel} alerts at QoS 1, never retained (the broker refuses retain); each device may publish only under its own id. A gateway keeps an alert until the PUBACK reason code is 0x00 Success: 0x10 (no matching subscribers) means no platform intake was subscribed yet (after a broker restart), so it publishes the same alert (same eventId) again after a back-off.`,
      parameters: { deviceId: { description: 'The device id it was registered with (PUT /v1/devices/{deviceId}).' } },
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { mqtt: { qos: 1, retain: false } },
    };
    operations[`device_${channel}`] = { action: 'receive', channel: { $ref: `#/channels/devices_${channel}` } };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Kuruma Cover event contract',
      version: '1.0.0',
      description:
        'Kafka topics and MQTT channels of the Kuruma Cover platform. Generated from libs/contracts by `npm run docs:asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'Local broker (npm run stack:up)' },
      mqtt: {
        host: '127.0.0.1:8884',
        protocol: 'secure-mqtt',
        description:
          'Project Mosquitto, TLS listener for devices (MQTT 5 or 3.1.1). Locally its certificate comes from a development CA (infra/local/.state/mosquitto/tls/ca.crt); in production from a public or partner-agreed CA. The plain listener (1884) is for the platform network only.',
        security: [{ $ref: '#/components/securitySchemes/mqttDeviceAccount' }],
      },
      mqttDeviceCertificate: {
        host: '127.0.0.1:8885',
        protocol: 'secure-mqtt',
        description:
          'Project Mosquitto, listener for devices with a client certificate issued by PUT /v1/devices/{deviceId} (with a csr): the certificate is the identity and the client id; no password.',
        security: [{ $ref: '#/components/securitySchemes/mqttDeviceX509' }],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        mqttDeviceAccount: {
          type: 'userPassword',
          description:
            'The credentials PUT /v1/devices/{deviceId} returns once: username and client id are both `device:{deviceId}` (the MQTT_DEVICE_ACCOUNT_PREFIX namespace); the account connects only with that client id and publishes only under devices/{deviceId}/#.',
        },
        mqttDeviceX509: {
          type: 'X509',
          description: 'A client certificate from the platform device CA with CN `device:{deviceId}`; the broker uses the CN as username and client id.',
        },
      },
    },
  };
}

export function renderAsyncApi(): string {
  return `# Generated from libs/contracts by \`npm run docs:asyncapi\`. Do not edit by hand.\n${YAML.stringify(buildAsyncApi(), { aliasDuplicateObjects: false })}`;
}

if (require.main === module) {
  const rendered = renderAsyncApi();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(ASYNCAPI_PATH, 'utf8');
    if (committed !== rendered) {
      console.error('docs/asyncapi.yaml is out of date with the contracts: run `npm run docs:asyncapi` and commit it.');
      process.exit(1);
    }
    console.log('docs/asyncapi.yaml matches the contracts');
  } else {
    mkdirSync(dirname(ASYNCAPI_PATH), { recursive: true });
    writeFileSync(ASYNCAPI_PATH, rendered);
    console.log(`wrote ${ASYNCAPI_PATH}`);
  }
}
