import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  AUTHENTICATED_PARTNER_HEADER,
  PartnerTopics,
  RecordHeaders,
  TOPIC_SPECS,
  Topics,
  bookingEventV1Schema,
  policyEventV1Schema,
  claimEventV1Schema,
  crashAlertV1Schema,
  lockAlertV1Schema,
  present,
} from '@kuruma/contracts';
import { PARTNER_ID_HEADER } from '@kuruma/data-access-messaging';
import { ASYNCAPI_PATH, renderAsyncApi } from './asyncapi';

type Schema = { type?: string; const?: string; description?: string; properties?: Record<string, Schema>; required?: string[] };
type Bindings = { kafka?: Record<string, unknown> & { key?: Schema }; mqtt?: Record<string, unknown> };
type Doc = {
  servers: Record<string, { security?: { $ref: string }[] }>;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings?: Bindings; 'x-acl'?: { write: string[]; read: string[] } } & Record<string, unknown>>;
  operations: Record<string, { channel: { $ref: string }; bindings?: Bindings }>;
  components: { messages: Record<string, { headers?: Schema; bindings?: Bindings; payload?: { properties?: Record<string, { properties?: Record<string, unknown> }> } }> };
};

describe('docs/asyncapi.yaml', () => {
  const sut = YAML.parse(readFileSync(ASYNCAPI_PATH, 'utf8')) as Doc;

  it('is the document the contracts generate (no drift)', () => {
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(renderAsyncApi());
  });

  it('documents every topic and both device channels', () => {
    const addresses = Object.values(sut.channels).map((c) => c.address);
    for (const spec of TOPIC_SPECS) expect(addresses).toContain(spec.name);
    expect(addresses).toEqual(expect.arrayContaining(['devices/{deviceId}/crash', 'devices/{deviceId}/lock']));
  });

  it("documents each partner's own topics with their ACLs and the SASL/SCRAM security (finding 4)", () => {
    const acl = (a: string) => Object.values(sut.channels).find((c) => c.address === a)?.['x-acl'];
    expect(acl(PartnerTopics.bookingEvents('{partnerId}'))).toEqual({ write: ['partner.{partnerId}'], read: ['service.booking-ingest'] });
    expect(acl(PartnerTopics.policyEvents('{partnerId}'))?.read).toEqual(['partner.{partnerId}']);
    expect(acl(PartnerTopics.claimEvents('{partnerId}'))?.read).toEqual(['partner.{partnerId}']);
    expect(sut.servers['kafka'].security?.map((s) => s.$ref)).toEqual(['#/components/securitySchemes/scramSha256', '#/components/securitySchemes/scramSha512']);
  });

  const byAddress = (address: string) => present(Object.entries(sut.channels).find(([, c]) => c.address === address), address);
  const messageOf = (address: string) => {
    const ref = present(Object.values(byAddress(address)[1].messages)[0], `${address} message`).$ref;
    return present(sut.components.messages[ref.replace('#/components/messages/', '')], ref);
  };

  it('declares MQTT QoS 1 and no retain on the device operations, not on the channels', () => {
    for (const channel of ['devices/{deviceId}/crash', 'devices/{deviceId}/lock']) {
      const [id, sutChannel] = byAddress(channel);
      expect(sutChannel.bindings?.mqtt).toBeUndefined();
      const operation = present(Object.values(sut.operations).find((o) => o.channel.$ref === `#/channels/${id}`), `${channel} operation`);
      expect(operation.bindings?.mqtt).toMatchObject({ qos: 1, retain: false });
    }
  });

  it('pins a bindingVersion on every binding, so the parser validates each against its binding schema', () => {
    const bindings = [...Object.values(sut.channels), ...Object.values(sut.operations), ...Object.values(sut.components.messages)].flatMap((o) => Object.values(o.bindings ?? {}));
    expect(bindings.length).toBeGreaterThan(TOPIC_SPECS.length);
    for (const binding of bindings) expect(binding).toHaveProperty('bindingVersion');
  });

  it('declares the MQTT trace context as user properties', () => {
    expect(Object.keys(messageOf('devices/{deviceId}/crash').headers?.properties ?? {})).toEqual(['traceparent', 'tracestate']);
  });

  it('declares each topic record key as a Kafka message binding, no longer an x-key extension', () => {
    for (const spec of TOPIC_SPECS) {
      expect(byAddress(spec.name)[1]['x-key']).toBeUndefined();
      expect(messageOf(spec.name).bindings?.kafka?.key).toMatchObject({ type: 'string' });
    }
    expect(messageOf(Topics.policyEvents).bindings?.kafka?.key?.description).toContain('data.bookingId');
    expect(messageOf(Topics.claimEvents).bindings?.kafka?.key?.description).toContain('data.vehicleId');
  });

  it('declares the record headers partners see on their topics: the CloudEvents content type and the W3C trace context', () => {
    for (const topic of [PartnerTopics.policyEvents('{partnerId}'), PartnerTopics.claimEvents('{partnerId}')]) {
      const headers = present(messageOf(topic).headers, `${topic} headers`);
      expect(headers.properties?.['content-type']?.const).toBe('application/cloudevents+json');
      expect(headers.required).toContain('content-type');
      expect(Object.keys(headers.properties ?? {})).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'x-partner-id']));
    }
    // A partner's own records may come without it: the platform reads them as structured mode either way.
    expect(messageOf(PartnerTopics.bookingEvents('{partnerId}')).headers?.required ?? []).not.toContain('content-type');
  });

  it('names the headers the producers really set', () => {
    expect(RecordHeaders.partnerId).toBe(PARTNER_ID_HEADER);
    expect(RecordHeaders.authenticatedPartner).toBe(AUTHENTICATED_PARTNER_HEADER);
    expect(messageOf(Topics.bookingEvents).headers?.required).toEqual(expect.arrayContaining([AUTHENTICATED_PARTNER_HEADER]));
    expect(messageOf(Topics.bookingEventsDlq).headers?.required).toEqual(expect.arrayContaining(['x-dlq-reason', 'x-dlq-original-topic']));
  });

  it.each([
    ['BookingEvent', bookingEventV1Schema],
    ['PolicyEvent', policyEventV1Schema],
    ['ClaimEvent', claimEventV1Schema],
  ] as const)('%s lists exactly the data fields the schema validates', (name, schema) => {
    const documented = Object.keys(sut.components.messages[name].payload?.properties?.['data']?.properties ?? {}).sort();
    const shape = (schema as unknown as { def: { in?: { shape: { data: { shape: object } } }; shape?: { data: { shape: object } } } }).def;
    const dataShape = present(shape.in?.shape ?? shape.shape, 'envelope shape').data.shape;
    expect(documented).toEqual(Object.keys(dataShape).sort());
  });

  it.each([
    ['CrashAlert', crashAlertV1Schema],
    ['LockAlert', lockAlertV1Schema],
  ] as const)('%s lists exactly the payload fields devices may send', (name, schema) => {
    const documented = Object.keys(sut.components.messages[name].payload?.properties ?? {}).sort();
    expect(documented).toEqual(Object.keys(schema.shape).sort());
  });
});
