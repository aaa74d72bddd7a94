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
  DEAD_LETTER_HEADER_MEANINGS,
  lockAlertV1Schema,
  PartnerTopics,
  partnerTopicSpecs,
  policyEventV1Schema,
  SHARED_STATE_SPECS,
  TOPIC_SPECS,
  Topics,
  TRACE_CONTEXT_MEANINGS,
  vehicleDamageV1Schema,
} from '@kuruma/contracts';

/** The partner topics are documented once, with `{partnerId}` as a channel parameter. */
const PARTNER = '{partnerId}';

export const ASYNCAPI_PATH = resolve(__dirname, '../docs/asyncapi.yaml');

const bookingEvent = { name: 'BookingEvent', schema: bookingEventV1Schema, summary: 'A partner booking lifecycle event.' };
const policyEvent = {
  name: 'PolicyEvent',
  schema: policyEventV1Schema,
  summary:
    'A policy lifecycle event. policy.cover-limit-reached is sent before the cover ends (on binding a booking that runs to the product maximum, on an extension asking for more, or when the late-return extension reaches it): cover stops at coverEnd, 7 days from its start, and the booking is not insured after it.',
};
const claimEvent = { name: 'ClaimEvent', schema: claimEventV1Schema, summary: 'An FNOL claim or uncovered-incident event.' };
const payloads: Record<string, { name: string; schema: z.ZodType; summary: string }> = {
  [Topics.bookingEvents]: bookingEvent,
  [Topics.policyEvents]: policyEvent,
  [Topics.claimEvents]: claimEvent,
  [PartnerTopics.bookingEvents(PARTNER)]: bookingEvent,
  [PartnerTopics.policyEvents(PARTNER)]: policyEvent,
  [PartnerTopics.claimEvents(PARTNER)]: claimEvent,
  [Topics.bookingAccepted]: { name: 'BookingAccepted', schema: bookingAcceptedV1Schema, summary: 'An accepted, ordered booking event.' },
  [Topics.vehicleDamage]: { name: 'VehicleDamage', schema: vehicleDamageV1Schema, summary: "A partner vehicle's open damage claim count." },
};

/** The headers every dead letter carries besides the original record's own. */
function deadLetterHeadersSchema(): unknown {
  const properties = Object.fromEntries(Object.entries(DEAD_LETTER_HEADER_MEANINGS).map(([name, meaning]) => [name, { type: 'string', description: meaning }]));
  return { type: 'object', properties: { ...properties, ...traceProperties('Kafka record header') }, required: Object.keys(properties), additionalProperties: true };
}

/** traceparent and tracestate, as Kafka record headers or MQTT v5 user properties. */
function traceProperties(carrier: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(TRACE_CONTEXT_MEANINGS).map(([name, meaning]) => [name, { type: 'string', description: `${carrier}. ${meaning}` }]));
}

/** Every message's headers besides the dead letters': the trace context, optional. */
const traceHeadersSchema = (carrier: string): unknown => ({ type: 'object', properties: traceProperties(carrier), additionalProperties: true });

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

export function buildAsyncApi(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const spec of [...partnerTopicSpecs(PARTNER), ...TOPIC_SPECS]) {
    const id = spec.name.replace(/[^A-Za-z0-9]/g, '_');
    const perPartner = spec.name.includes(PARTNER);
    const payload = payloads[spec.name];
    const messageName = payload?.name ?? `${id}_record`;
    messages[messageName] = payload
      ? { name: payload.name, summary: payload.summary, contentType: 'application/json', headers: traceHeadersSchema('Kafka record header'), payload: jsonSchema(payload.schema) }
      : { name: messageName, summary: spec.description, contentType: 'application/json', headers: spec.deadLetterHeaders ? deadLetterHeadersSchema() : traceHeadersSchema('Kafka record header') };
    channels[id] = {
      address: spec.name,
      description: spec.description,
      ...(perPartner
        ? { parameters: { partnerId: { description: 'The partner id it was onboarded with (npm run partner:provision); its principal is partner.{partnerId}.' } } }
        : {}),
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
      // The broker's ACLs: only these principals may write or read (everyone else is refused).
      'x-acl': { write: spec.writers, read: spec.readers },
    };
    const partnerPublishes = spec.writers.some((w) => w.startsWith('partner.'));
    operations[`${partnerPublishes ? 'publish' : 'consume'}_${id}`] = {
      action: partnerPublishes ? 'receive' : 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: partnerPublishes
        ? 'The partner publishes (as principal partner.{partnerId}); the platform receives.'
        : perPartner
          ? 'The platform publishes; only the partner (principal partner.{partnerId}) may read, in consumer groups named partner.{partnerId}.*.'
          : 'The platform publishes, for its own services (no partner may read).',
    };
  }
  for (const [channel, payload] of [
    ['crash', crashAlertV1Schema],
    ['lock', lockAlertV1Schema],
  ] as const) {
    const name = channel === 'crash' ? 'CrashAlert' : 'LockAlert';
    messages[name] = { name, contentType: 'application/json', headers: traceHeadersSchema('MQTT v5 user property'), payload: jsonSchema(payload) };
    channels[`devices_${channel}`] = {
      address: `devices/{deviceId}/${channel}`,
      description: `Devices publish ${channel} alerts at QoS 1, never retained (the broker refuses retain); each device may publish only under its own id. A gateway keeps an alert until the PUBACK reason code is 0x00 Success: 0x10 (no matching subscribers) means no platform intake was subscribed yet (after a broker restart), so it publishes the same alert (same eventId) again after a back-off.`,
      parameters: { deviceId: { description: 'The device id it was registered with (PUT /v1/devices/{deviceId}).' } },
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { mqtt: { qos: 1, retain: false } },
    };
    operations[`device_${channel}`] = { action: 'receive', channel: { $ref: `#/channels/devices_${channel}` } };
  }
  for (const spec of SHARED_STATE_SPECS) {
    const id = `${spec.store}_${spec.name}`;
    messages[spec.name] = { name: spec.name, summary: spec.meaning, contentType: 'text/plain', payload: jsonSchema(spec.value) };
    const parameters = Object.fromEntries([...spec.key.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, { description: `The ${name} the state is about.` }]));
    channels[id] = {
      address: spec.key,
      description: spec.meaning,
      parameters,
      servers: [{ $ref: `#/servers/${spec.store}` }],
      messages: { [spec.name]: { $ref: `#/components/messages/${spec.name}` } },
      'x-visibility': 'internal',
      'x-writers': spec.writers,
      'x-readers': spec.readers,
      'x-rebuilt-from': spec.source,
    };
    operations[`set_${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Written by ${spec.writers.join(', ')} only.` };
    operations[`read_${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, summary: `Read by ${spec.readers.join(', ')}.` };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Kuruma Cover event contract',
      version: '1.0.0',
      description:
        'Kafka topics, MQTT channels and the state services share in Redis, of the Kuruma Cover platform. Generated from libs/contracts by `npm run docs:asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description:
          'Local broker (npm run stack:up), SASL_PLAINTEXT; production brokers use SASL_SSL. Every client authenticates as its own principal and the ACLs in x-acl decide what it may do (docs/local-kafka.md).',
        security: [{ $ref: '#/components/securitySchemes/scramSha256' }, { $ref: '#/components/securitySchemes/scramSha512' }],
      },
      mqtt: {
        host: '127.0.0.1:8884',
        protocol: 'secure-mqtt',
        description:
          'Project Mosquitto, TLS listener for devices (MQTT 5 or 3.1.1). Locally its certificate comes from a development CA (infra/local/.state/mosquitto/tls/ca.crt); in production from a public or partner-agreed CA. The plain listener (1884) is for the platform network only.',
        security: [{ $ref: '#/components/securitySchemes/mqttDeviceAccount' }],
      },
      redis: {
        host: '127.0.0.1:6379',
        protocol: 'redis',
        description: 'Platform-internal Redis (REDIS_URL) for state one service keeps for another; partners and devices never reach it.',
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
        scramSha256: { type: 'scramSha256', description: 'SASL/SCRAM-SHA-256 with the credentials of the principal (a partner: partner.{partnerId}).' },
        scramSha512: { type: 'scramSha512', description: 'SASL/SCRAM-SHA-512, the same credentials.' },
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
