import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PARTNER_SERVICES, type PartnerService } from '@kuruma/partner-client';
import { OPENAPI_PATH } from './openapi';

/** The Bruno collection partners open to try the API (plain-text .bru files). */
const COLLECTION = resolve(__dirname, '../collections/partner-api');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** The collection's base URL variable of each service (the local environment sets each to its service, the gateway one all to one host). */
const BASE_VARS: Record<string, PartnerService> = { bookingIngestUrl: 'booking-ingest', pricingUrl: 'pricing', policyUrl: 'policy', claimsTriggerUrl: 'claims-trigger', partnerWebhooksUrl: 'partner-webhooks' };

interface BruRequest {
  file: string;
  method: string;
  baseVar: string;
  path: string;
  headers: string[];
}

function bruFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'environments' ? [] : bruFiles(join(dir, e.name))) : e.name.endsWith('.bru') ? [join(dir, e.name)] : []));
}

function parseBru(file: string): BruRequest {
  const text = readFileSync(file, 'utf8');
  const block = new RegExp(`^(${METHODS.join('|')}) \\{\\n\\s+url: (\\S+)`, 'm').exec(text);
  if (!block) throw new Error(`${file}: no request block`);
  const [, method = '', url = ''] = block;
  const base = /^\{\{(\w+)\}\}(\/[^?]*)/.exec(url);
  if (!base) throw new Error(`${file}: url must start with a service base variable: ${url}`);
  const headers = [...(/^headers \{\n([\s\S]*?)\n\}/m.exec(text)?.[1] ?? '').matchAll(/^\s+([^:\s]+):/gm)].map((m) => (m[1] ?? '').toLowerCase());
  return { file: relative(COLLECTION, file), method, baseVar: base[1] ?? '', path: base[2] ?? '', headers };
}

type Operation = { operationId: string; parameters?: { $ref?: string }[] };
const openapi = YAML.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }> };
const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, servers: item.servers, op: item[method] as Operation })),
);
/** An OpenAPI path template as a pattern: `{claimId}` takes one segment (a `{{variable}}` or a literal). */
const templateMatches = (template: string, path: string) => new RegExp(`^${template.replace(/\{[^}/]+\}/g, '[^/]+')}$`).test(path);
const requests = bruFiles(COLLECTION).map(parseBru);

describe('collections/partner-api (Bruno)', () => {
  it('has a request for every operation of docs/openapi.yaml', () => {
    const missing = operations.filter(({ path, method }) => !requests.some((r) => r.method === method && templateMatches(path, r.path))).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('has no request that is not an operation, and sends each to the service that serves its path', () => {
    for (const r of requests) {
      const operation = operations.find(({ path, method }) => method === r.method && templateMatches(path, r.path));
      expect(operation, `${r.file}: ${r.method.toUpperCase()} ${r.path}`).toBeDefined();
      const service = BASE_VARS[r.baseVar];
      expect(service, `${r.file}: unknown base variable ${r.baseVar}`).toBeDefined();
      if (operation?.servers && service) expect(operation.servers.map((s) => s.url), r.file).toContain(PARTNER_SERVICES[service].localUrl);
    }
  });

  it('sends the API key everywhere and an Idempotency-Key wherever the operation takes one', () => {
    for (const r of requests) {
      const operation = operations.find(({ path, method }) => method === r.method && templateMatches(path, r.path));
      if (r.path.startsWith('/v1/')) expect(r.headers, r.file).toContain('x-api-key');
      if (operation?.op.parameters?.some((p) => p.$ref === '#/components/parameters/IdempotencyKey')) expect(r.headers, r.file).toContain('idempotency-key');
    }
  });

  it("points the local environment at each service's documented base URL", () => {
    const env = readFileSync(join(COLLECTION, 'environments/local.bru'), 'utf8');
    for (const [variable, service] of Object.entries(BASE_VARS)) expect(env).toContain(`${variable}: ${PARTNER_SERVICES[service].localUrl}`);
  });
});
