import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { ASYNCAPI_PATH, renderAsyncApi } from './asyncapi';

/**
 * The official AsyncAPI parser validates against the AsyncAPI 3.0 JSON Schema (bindings included,
 * by their bindingVersion) and runs the AsyncAPI Spectral ruleset. Errors and warnings fail; so do
 * information and hint diagnostics, since none is acceptable today.
 */
async function diagnosticsOf(source: string, text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text, { source });
  return diagnostics.map((d) => `${DiagnosticSeverity[d.severity]} ${String(d.code)}: ${d.message} at /${d.path.join('/')}`);
}

describe('docs/asyncapi.yaml (the official AsyncAPI parser and its Spectral ruleset)', () => {
  it('the committed document lints clean: no diagnostic of any severity', { timeout: 120_000 }, async () => {
    expect(await diagnosticsOf(ASYNCAPI_PATH, readFileSync(ASYNCAPI_PATH, 'utf8'))).toEqual([]);
  });

  it('the document the contracts generate now lints clean too', { timeout: 120_000 }, async () => {
    expect(await diagnosticsOf('generated', renderAsyncApi())).toEqual([]);
  });
});
