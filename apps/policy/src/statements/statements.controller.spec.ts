import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatementKind } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { buildStatement, renderStatement, type StatementFormat } from '@kuruma/domain-ledger';
import { PartnerAuthenticator, ProblemFilter } from '@kuruma/service-kit';
import { RenderStatementUseCase } from './render-statement.use-case';
import { StatementsController } from './statements.controller';

const demo = { id: 'demo', name: 'Demo', webhookSecret: 'whsec_x' } as PartnerRecord;

/** The use case as the controller sees it: an empty, closed statement of the caller. */
const render = {
  calls: [] as [string, string, StatementKind, StatementFormat][],
  async execute(partnerId: string, period: string, kind: StatementKind, format: StatementFormat) {
    this.calls.push([partnerId, period, kind, format]);
    return renderStatement({ kind: 'statement', body: buildStatement(partnerId, period, true, []) }, format);
  },
};

@Module({
  controllers: [StatementsController],
  providers: [
    { provide: PartnerAuthenticator, useValue: new PartnerAuthenticator({ findByApiKey: async (key: string) => (key === 'good-key' ? demo : null) }) },
    { provide: RenderStatementUseCase, useValue: render },
  ],
})
class StatementRoutes {}

describe(StatementsController.name, () => {
  let app: INestApplication;
  const get = async (url: string, headers: Record<string, string> = { 'x-api-key': 'good-key' }) => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  };

  beforeAll(async () => {
    app = await NestFactory.create(StatementRoutes, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemFilter({ error: () => undefined } as unknown as Logger));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it("answers the caller's own statement as JSON, with its SHA-256 as ETag and Repr-Digest", async () => {
    const sut = await get('/v1/statements?period=2026-11');
    expect(sut.status).toBe(200);
    expect(sut.headers['content-type']).toMatch(/^application\/json/);
    const expected = renderStatement({ kind: 'statement', body: buildStatement('demo', '2026-11', true, []) }, 'json');
    expect(sut.body).toBe(expected.bytes.toString());
    expect(sut.headers['etag']).toBe(`"sha256-${expected.sha256}"`);
    expect(sut.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(expected.sha256, 'hex').toString('base64')}:`);
    expect(sut.headers['content-disposition']).toBe('attachment; filename="statement-demo-2026-11.json"');
    expect(sut.headers['cache-control']).toContain('immutable');
  });

  it('answers CSV when asked by format or Accept, and the bordereau kind asked for', async () => {
    expect((await get('/v1/statements?period=2026-11-30&format=csv')).headers['content-type']).toMatch(/^text\/csv/);
    expect((await get('/v1/statements?period=2026-11&kind=claims-bordereau', { 'x-api-key': 'good-key', accept: 'text/csv' })).headers['content-type']).toMatch(/^text\/csv/);
    expect(render.calls.slice(-2)).toEqual([
      ['demo', '2026-11-30', 'statement', 'csv'],
      ['demo', '2026-11', 'claims-bordereau', 'csv'],
    ]);
  });

  it("refuses another partner's id (403) and renders nothing for it", async () => {
    const before = render.calls.length;
    const sut = await get('/v1/statements?period=2026-11&partnerId=rival');
    expect(sut.status).toBe(403);
    expect(sut.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(render.calls.length).toBe(before);
  });

  it('refuses a bad period, kind or format naming the field, and a request without a key', async () => {
    for (const [query, field] of [['period=november', 'period'], ['', 'period'], ['period=2026-13', 'period'], ['period=2026-11&kind=ledger', 'kind'], ['period=2026-11&format=xml', 'format']] as const) {
      const sut = await get(`/v1/statements?${query}`);
      expect(sut.status).toBe(400);
      expect(JSON.parse(sut.body)).toMatchObject({ errors: [{ field }] });
    }
    expect((await get('/v1/statements?period=2026-11', {})).status).toBe(401);
  });

  it('refuses a NUL byte, a lone surrogate, a huge value or a repeated parameter naming the field, and renders nothing', async () => {
    const before = render.calls.length;
    const cases = [
      ['period=2026-11%00', 'period'],
      ['period=2026-11&kind=statement%00', 'kind'],
      ['period=%ED%A0%80', 'period'],
      ['period=2026-11&format=%ED%A0%80', 'format'],
      [`period=${'2026-11'.repeat(20_000)}`, 'period'],
      ['period=2026-11&period=2026-10', 'period'],
    ] as const;
    for (const [query, field] of cases) {
      const sut = await get(`/v1/statements?${query}`);
      expect(sut.status, query.slice(0, 60)).toBe(400);
      expect(sut.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(sut.body)).toMatchObject({ errors: [{ field }] });
    }
    expect(render.calls.length).toBe(before);
    // The service still answers after them.
    expect((await get('/v1/statements?period=2026-11')).status).toBe(200);
  });
});
