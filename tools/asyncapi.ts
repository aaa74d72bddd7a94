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
  bookingPricedV1Schema,
  claimEventV1Schema,
  CLOUDEVENT_STRUCTURED_CONTENT_TYPE,
  crashAlertV1Schema,
  DEAD_LETTER_HEADER_MEANINGS,
  DeadLetterHeaders,
  KafkaPrincipals,
  lockAlertV1Schema,
  MqttTopics,
  PartnerTopics,
  partnerTopicSpecs,
  policyEventV1Schema,
  present,
  RECORD_HEADER_MEANINGS,
  RecordHeaders,
  SHARED_STATE_SPECS,
  TOPIC_SPECS,
  type TopicSpec,
  Topics,
  TRACE_CONTEXT_MEANINGS,
  tripSummaryV1Schema,
  vehicleDamageV1Schema,
} from '@kuruma/contracts';

/** The partner topics are documented once, with `{partnerId}` as a channel parameter. */
const PARTNER = '{partnerId}';

export const ASYNCAPI_PATH = resolve(__dirname, '../docs/asyncapi.yaml');

const bookingEvent = { name: 'BookingEvent', schema: bookingEventV1Schema, summary: 'A partner booking lifecycle event.', cloudEvent: true };
const policyEvent = {
  name: 'PolicyEvent',
  schema: policyEventV1Schema,
  summary:
    'A policy lifecycle event. policy.cover-limit-reached is sent before the cover ends (on binding a booking that runs to the product maximum, on an extension asking for more, or when the late-return extension reaches it): cover stops at coverEnd, 7 days from its start, and the booking is not insured after it.',
  cloudEvent: true,
};
const claimEvent = { name: 'ClaimEvent', schema: claimEventV1Schema, summary: 'An FNOL claim or uncovered-incident event.', cloudEvent: true };
interface Payload {
  name: string;
  schema: z.ZodType;
  summary: string;
  /** The record value is a CloudEvent (structured mode, with its content-type header). */
  cloudEvent?: boolean;
}
const payloads: Record<string, Payload> = {
  [Topics.bookingEvents]: {
    ...bookingEvent,
    name: 'ReceivedBookingEvent',
    summary: 'A partner booking lifecycle event booking-ingest received over HTTP, with the partner it authenticated in a header.',
  },
  [Topics.policyEvents]: policyEvent,
  [Topics.claimEvents]: claimEvent,
  [PartnerTopics.bookingEvents(PARTNER)]: bookingEvent,
  [PartnerTopics.policyEvents(PARTNER)]: policyEvent,
  [PartnerTopics.claimEvents(PARTNER)]: claimEvent,
  [Topics.bookingAccepted]: { name: 'BookingAccepted', schema: bookingAcceptedV1Schema, summary: 'An accepted, ordered booking event.' },
  [Topics.bookingPriced]: { name: 'BookingPriced', schema: bookingPricedV1Schema, summary: 'An accepted booking event with its price attached.' },
  [Topics.vehicleDamage]: { name: 'VehicleDamage', schema: vehicleDamageV1Schema, summary: "A partner vehicle's open damage claim count." },
};

/** The dead-letter headers claims-trigger sets on a device message it refuses (device-signal.dead-letters.ts). */
const DEVICE_DEAD_LETTER_HEADERS = [DeadLetterHeaders.reason, DeadLetterHeaders.originalTopic, DeadLetterHeaders.service, DeadLetterHeaders.attempts] as const;

/** What a record key is, by TopicSpec.key: the aggregate id, so one aggregate's records stay in order on one partition. */
const KEY_MEANINGS: Record<string, string> = {
  bookingId: 'The booking id (`data.bookingId` of the event, or of the booking event it carries): every event of one booking goes to one partition, in order.',
  vehicleId: 'The vehicle id (data.vehicleId): every claim event of one vehicle goes to one partition, in order.',
  '{partnerId}/{vehicleId}': 'The partner id and its vehicle id, `{partnerId}/{vehicleId}`: compaction keeps the latest count per partner vehicle.',
  deviceId: 'The device id from the MQTT topic the message arrived on (devices/{deviceId}/...).',
  'the original record key': 'The original record\'s key, byte for byte (`<topic>:<partition>:<offset>` of the original when it had none).',
};

function keySchema(spec: TopicSpec): unknown {
  return { type: 'string', description: present(KEY_MEANINGS[spec.key], `the meaning of the record key ${spec.key} of ${spec.name}`) };
}

const header = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

/** traceparent and tracestate, as Kafka record headers or MQTT v5 user properties. */
function traceProperties(carrier: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(TRACE_CONTEXT_MEANINGS).map(([name, meaning]) => [name, header(`${carrier}. ${meaning}`)]));
}

/**
 * The record headers of a topic's records: the trace context (optional everywhere), the CloudEvents
 * content type on CloudEvents, and what the topic's producers set besides. Other headers may be
 * present (a partner's own); consumers ignore them.
 */
function kafkaHeadersSchema(spec: TopicSpec, payload: Payload | undefined): unknown {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const add = (name: keyof typeof RECORD_HEADER_MEANINGS, isRequired: boolean, extra: Record<string, unknown> = {}, note = '') => {
    properties[name] = header(`${RECORD_HEADER_MEANINGS[name]}${note}`, extra);
    if (isRequired) required.push(name);
  };
  const partnerPublishes = spec.writers.some((w) => w.startsWith('partner.'));
  if (spec.name === Topics.deviceSignalsDlq) {
    // A device message was never a Kafka record: no partition, offset or headers of its own to keep.
    for (const name of DEVICE_DEAD_LETTER_HEADERS) properties[name] = header(name === DeadLetterHeaders.originalTopic ? 'The MQTT topic the message arrived on.' : DEAD_LETTER_HEADER_MEANINGS[name]);
    required.push(...DEVICE_DEAD_LETTER_HEADERS);
  } else if (spec.deadLetterHeaders) {
    for (const [name, meaning] of Object.entries(DEAD_LETTER_HEADER_MEANINGS)) properties[name] = header(meaning);
    required.push(...Object.keys(DEAD_LETTER_HEADER_MEANINGS));
  }
  if (payload?.cloudEvent) {
    add(RecordHeaders.contentType, !partnerPublishes, { const: CLOUDEVENT_STRUCTURED_CONTENT_TYPE }, partnerPublishes ? ' Partners should set it; the value is read as a structured-mode CloudEvent either way.' : '');
  }
  if (spec.name === Topics.bookingEvents) {
    add(RecordHeaders.authenticatedPartner, true);
    add(RecordHeaders.receivedVia, true, { enum: ['webhook'] });
  }
  if (spec.name === Topics.policyEvents || spec.name === PartnerTopics.policyEvents(PARTNER)) add(RecordHeaders.partnerId, true);
  if (spec.name === Topics.claimEvents || spec.name === PartnerTopics.claimEvents(PARTNER)) add(RecordHeaders.partnerId, false, {}, ' Absent on a claim event of a vehicle no partner is known for.');
  if (spec.writers.includes(KafkaPrincipals.service('ops-console'))) {
    add(RecordHeaders.redriveOf, false);
    add(RecordHeaders.redrivenBy, false);
  }
  Object.assign(properties, traceProperties('Kafka record header'));
  return {
    type: 'object',
    description:
      spec.deadLetterHeaders && spec.name !== Topics.deviceSignalsDlq ? "The original record's headers, byte for byte, plus these." : 'Kafka record headers (UTF-8 string values).',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: true,
  };
}

/** Every MQTT message's user properties: the trace context, optional. */
const mqttUserPropertiesSchema = (): unknown => ({ type: 'object', description: 'MQTT v5 user properties (MQTT 3.1.1 has none).', properties: traceProperties('MQTT v5 user property'), additionalProperties: true });

/** The MQTT bindings version used throughout (operation: qos, retain). */
const MQTT_BINDING_VERSION = '0.2.0';
/** The Kafka bindings version used throughout (channel: topic, partitions, topicConfiguration; message: key). */
const KAFKA_BINDING_VERSION = '0.5.0';

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
    const message = {
      name: messageName,
      summary: payload?.summary ?? spec.description,
      contentType: payload?.cloudEvent ? CLOUDEVENT_STRUCTURED_CONTENT_TYPE : 'application/json',
      headers: kafkaHeadersSchema(spec, payload),
      ...(payload ? { payload: jsonSchema(payload.schema) } : {}),
      bindings: { kafka: { key: keySchema(spec), bindingVersion: KAFKA_BINDING_VERSION } },
    };
    // A message shared by two topics (a partner's copy of a shared topic) must be the same on both.
    if (messages[messageName] && JSON.stringify(messages[messageName]) !== JSON.stringify(message)) throw new Error(`${messageName} differs between the topics that carry it`);
    messages[messageName] = message;
    channels[id] = {
      address: spec.name,
      description: spec.description,
      ...(perPartner
        ? { parameters: { partnerId: { description: 'The partner id it was onboarded with (npm run partner:provision); its principal is partner.{partnerId}.' } } }
        : {}),
      messages: { [messageName]: { $ref: `#/components/messages/${messageName}` } },
      servers: [{ $ref: '#/servers/kafka' }],
      bindings: {
        kafka: {
          topic: spec.name,
          partitions: spec.partitions,
          topicConfiguration: {
            'cleanup.policy': [spec.cleanupPolicy],
            'retention.ms': spec.retentionMs,
            'max.message.bytes': spec.maxMessageBytes,
          },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
      'x-visibility': spec.visibility,
      ...(spec.deadLetter ? { 'x-dead-letter-topic': spec.deadLetter } : {}),
      // The broker's ACLs: only these principals may write or read (everyone else is refused).
      'x-acl': { write: spec.writers, read: spec.readers },
    };
    const partnerPublishes = spec.writers.some((w) => w.startsWith('partner.'));
    operations[`${partnerPublishes ? 'publish' : 'consume'}_${id}`] = {
      action: partnerPublishes ? 'receive' : 'send',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${messageName}` }],
      summary: partnerPublishes
        ? 'The partner publishes (as principal partner.{partnerId}); the platform receives.'
        : perPartner
          ? 'The platform publishes; only the partner (principal partner.{partnerId}) may read, in consumer groups named partner.{partnerId}.*.'
          : 'The platform publishes, for its own services (no partner may read).',
    };
  }
  const deviceChannels = [
    ['crash', crashAlertV1Schema, 'CrashAlert'],
    ['lock', lockAlertV1Schema, 'LockAlert'],
    ['trip', tripSummaryV1Schema, 'TripSummary'],
  ] as const;
  for (const [channel, payload, name] of deviceChannels) {
    messages[name] = { name, contentType: 'application/json', headers: mqttUserPropertiesSchema(), payload: jsonSchema(payload) };
    const what = channel === 'trip' ? 'trip summaries (the driving score of consenting drivers; docs/privacy.md)' : `${channel} alerts`;
    const [one, id] = channel === 'trip' ? ['trip summary', 'tripId'] : ['alert', 'eventId'];
    const article = channel === 'trip' ? 'a' : 'an';
    channels[`devices_${channel}`] = {
      address: `devices/{deviceId}/${channel}`,
      description: `Devices publish ${what} at QoS 1, never retained (the broker refuses retain); each device may publish only under its own id. A gateway keeps ${article} ${one} until the PUBACK reason code is 0x00 Success: 0x10 (no matching subscribers) means no platform intake was subscribed yet (after a broker restart), so it publishes the same ${one} (same ${id}) again after a back-off.`,
      parameters: { deviceId: { description: 'The device id it was registered with (PUT /v1/devices/{deviceId}).' } },
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      servers: [{ $ref: '#/servers/mqtt' }, { $ref: '#/servers/mqttDeviceCertificate' }],
    };
    operations[`device_${channel}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/devices_${channel}` },
      messages: [{ $ref: `#/channels/devices_${channel}/messages/${name}` }],
      summary: `Devices publish; claims-trigger receives (shared subscription on ${MqttTopics[channel]}).`,
      // QoS and retain are per PUBLISH, so they are operation bindings (MQTT bindings 0.2.0).
      bindings: { mqtt: { qos: 1, retain: false, bindingVersion: MQTT_BINDING_VERSION } },
    };
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
    asyncapi: '3.1.0',
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
