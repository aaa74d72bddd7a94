import { resolve } from 'node:path';
import { lint, loadConfig } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from './openapi';

describe('docs/openapi.yaml (Redocly lint, redocly.yaml)', () => {
  it('lints clean: no error and no warning of the recommended rules', async () => {
    const config = await loadConfig({ configPath: resolve(__dirname, '../redocly.yaml') });
    const problems = await lint({ ref: OPENAPI_PATH, config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual([]);
  });
});
