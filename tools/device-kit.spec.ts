import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICES_DOC_PATH, outcomeOf, readVectors, renderDevicesDoc } from './device-kit';

describe('device kit (docs/devices.md)', () => {
  it.each(readVectors().map((v) => [v.name, v] as const))('test vector "%s" has the outcome the kit states', (_name, vector) => {
    const actual = outcomeOf(vector);
    if (vector.refusedField === undefined) expect(actual).toEqual({ outcome: vector.outcome });
    else expect(actual).toMatchObject({ refusedFields: expect.arrayContaining([vector.refusedField]) });
  });

  it('publishes the payload schemas and test vectors the intake validates with (run `npm run docs:devices`)', () => {
    const page = readFileSync(DEVICES_DOC_PATH, 'utf8');
    expect(renderDevicesDoc(page)).toBe(page);
  });
});
