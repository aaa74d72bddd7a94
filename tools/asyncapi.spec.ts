import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PartnerTopics, TOPIC_SPECS, bookingEventV1Schema, policyEventV1Schema, claimEventV1Schema, crashAlertV1Schema, lockAlertV1Schema, present } from '@kuruma/contracts';
import { ASYNCAPI_PATH, renderAsyncApi } from './asyncapi';

type Doc = {
  servers: Record<string, { security?: { $ref: string }[] }>;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; 'x-acl'?: { write: string[]; read: string[] } }>;
  components: { messages: Record<string, { payload?: { properties?: Record<string, { properties?: Record<string, unknown> }> } }> };
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
    const byAddress = (a: string) => Object.values(sut.channels).find((c) => c.address === a);
    expect(byAddress(PartnerTopics.bookingEvents('{partnerId}'))?.['x-acl']).toEqual({ write: ['partner.{partnerId}'], read: ['service.booking-ingest'] });
    expect(byAddress(PartnerTopics.policyEvents('{partnerId}'))?.['x-acl']?.read).toEqual(['partner.{partnerId}']);
    expect(byAddress(PartnerTopics.claimEvents('{partnerId}'))?.['x-acl']?.read).toEqual(['partner.{partnerId}']);
    expect(sut.servers['kafka'].security?.map((s) => s.$ref)).toEqual(['#/components/securitySchemes/scramSha256', '#/components/securitySchemes/scramSha512']);
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
