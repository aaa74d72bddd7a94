import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { bookingEventDataV1Schema } from '@kuruma/contracts';
import { OPENAPI_PATH, renderOpenApi } from './openapi';

describe('docs/openapi.yaml', () => {
  const sut = YAML.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, { properties?: object }> }> } };

  it('is the document the contracts generate (no drift)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(renderOpenApi());
  });

  it('documents every public HTTP path the issues fix', () => {
    expect(Object.keys(sut.paths)).toEqual(expect.arrayContaining(['/v1/booking-events', '/v1/quotes', '/v1/policies', '/v1/devices/{deviceId}', '/v1/claims/{claimId}/{action}', '/health/ready', '/metrics']));
  });

  it('describes the booking event data with exactly the fields the service validates', () => {
    const documented = Object.keys(sut.components.schemas['BookingEvent']?.properties?.['data']?.properties ?? {}).sort();
    expect(documented).toEqual(Object.keys(bookingEventDataV1Schema.shape).sort());
  });
});
