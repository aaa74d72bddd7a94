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
    expect(Object.keys(sut.paths)).toEqual(expect.arrayContaining(['/v1/booking-events', '/v1/quotes', '/v1/policies', '/v1/devices/{deviceId}', '/v1/claims/{claimId}/confirm', '/v1/claims/{claimId}/withdraw', '/v1/claims/{claimId}/close', '/health/ready', '/metrics']));
  });

  type Operation = { operationId?: string; parameters?: { $ref?: string }[]; responses: Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }> };
  const operations = () =>
    Object.entries(sut.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map(([method, op]) => ({ path, method, op: op as Operation })),
    );
  const partnerOperations = () => operations().filter(({ path }) => path.startsWith('/v1/'));

  it('names every operation with a unique operationId, so a generated client has a method each', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('types every partner answer: a schema for each success, problem+json for each refusal, 429 with Retry-After everywhere', () => {
    for (const { path, method, op } of partnerOperations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.responses['429'], where).toEqual({ $ref: '#/components/responses/TooManyRequests' });
      for (const [status, answer] of Object.entries(op.responses)) {
        if (answer.$ref) continue;
        const [type, media] = Object.entries(answer.content ?? {})[0] ?? [];
        if (status === '204') expect(answer.content, `${where} 204 has no body`).toBeUndefined();
        else if (status.startsWith('2')) expect(type === 'text/html' || Boolean(media?.schema?.$ref), `${where} ${status}`).toBe(true);
        else expect(type, `${where} ${status}`).toBe('application/problem+json');
      }
    }
    const tooMany = (sut.components as unknown as { responses: Record<string, { headers: object }> }).responses['TooManyRequests'];
    expect(tooMany?.headers).toHaveProperty('Retry-After');
  });

  it('pages every list by cursor and takes an Idempotency-Key on every POST that creates something', () => {
    const refs = (path: string, method: string) => (partnerOperations().find((o) => o.path === path && o.method === method)?.op.parameters ?? []).map((p) => p.$ref);
    for (const list of ['/v1/policies', '/v1/claims']) expect(refs(list, 'get')).toEqual(expect.arrayContaining(['#/components/parameters/Limit', '#/components/parameters/Cursor']));
    for (const path of ['/v1/quotes', '/v1/webhook-endpoints', '/v1/claims/{claimId}/confirm', '/v1/claims/{claimId}/withdraw', '/v1/claims/{claimId}/close']) {
      expect(refs(path, 'post'), path).toContain('#/components/parameters/IdempotencyKey');
    }
  });

  it('describes the booking event data with exactly the fields the service validates', () => {
    const documented = Object.keys(sut.components.schemas['BookingEvent']?.properties?.['data']?.properties ?? {}).sort();
    expect(documented).toEqual(Object.keys(bookingEventDataV1Schema.shape).sort());
  });
});
