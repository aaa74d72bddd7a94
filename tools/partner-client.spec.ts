import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { OPENAPI_PATH } from './openapi';
import { PARTNER_CLIENT_TYPES_PATH, renderPartnerClientTypes } from './partner-client';

describe('libs/partner-client (generated from docs/openapi.yaml)', () => {
  it('is what openapi-typescript generates from the committed docs/openapi.yaml (run `npm run client:generate`)', async () => {
    expect(readFileSync(PARTNER_CLIENT_TYPES_PATH, 'utf8')).toBe(await renderPartnerClientTypes());
  });

  it('would notice a changed API: an added operation changes the generated types', async () => {
    const doc = YAML.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, unknown> };
    doc.paths['/v1/drivers'] = { get: { operationId: 'listDrivers', responses: { '200': { description: 'Drivers' } } } };
    expect(await renderPartnerClientTypes(YAML.stringify(doc))).not.toBe(readFileSync(PARTNER_CLIENT_TYPES_PATH, 'utf8'));
  });
});
