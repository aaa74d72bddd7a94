import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PartnerRecord, SqlDatabase } from '@kuruma/data-access-db';
import Redis from 'ioredis';
import { ConflictError, NotFoundError, PageCursors, PartnerAuthenticator, ProblemFilter, REDIS } from '@kuruma/service-kit';
import { CONFIG } from '../tokens';
import { type Actor, ChangeClaimStatusUseCase, type ClaimAction } from './change-claim-status.use-case';
import { ChangeClaimReserveUseCase } from './change-claim-reserve.use-case';
import { ClaimsController } from './claims.controller';
import { RecordClaimPaymentUseCase } from './record-claim-payment.use-case';

const CLAIM = '0190c0de-0000-7000-8000-000000000001';
const CLOSED = '0190c0de-0000-7000-8000-000000000002';
const demo = { id: 'demo', name: 'Demo', webhookSecret: 'whsec_x' } as PartnerRecord;

/** The use case as the controller sees it: its refusals are domain errors, its answer the new status. */
const change = {
  calls: [] as [string, ClaimAction, Actor][],
  async execute(claimId: string, action: ClaimAction, actor: Actor) {
    this.calls.push([claimId, action, actor]);
    if (claimId === CLOSED) throw new ConflictError(`cannot ${action} a closed claim`);
    if (claimId !== CLAIM) throw new NotFoundError(`claim ${claimId} not found`);
    return { claimId, status: 'confirmed', changed: true };
  },
};

@Module({
  controllers: [ClaimsController],
  providers: [
    { provide: PartnerAuthenticator, useValue: new PartnerAuthenticator({ findByApiKey: async (key: string) => (key === 'good-key' ? demo : null) }) },
    { provide: SqlDatabase, useValue: {} },
    { provide: CONFIG, useValue: { CLAIMS_TRIGGER_OPS_PORT: 1, OPS_SERVICE_TOKEN: 'ops-service-token-for-tests', OPS_IDENTITY_KEY: 'ops-identity-key-for-tests-0123456789abcdef' } },
    { provide: ChangeClaimStatusUseCase, useValue: change },
    { provide: ChangeClaimReserveUseCase, useValue: { execute: async () => change.calls.push([CLAIM, 'reserve' as ClaimAction, {} as Actor]) } },
    { provide: RecordClaimPaymentUseCase, useValue: { execute: async () => change.calls.push([CLAIM, 'payment' as ClaimAction, {} as Actor]) } },
    { provide: PageCursors, useValue: new PageCursors('page-cursor-key-for-tests-0123456789abcdef') },
    // Idempotency keys live in Redis; these requests send none, so the connection is never opened.
    { provide: REDIS, useValue: new Redis({ lazyConnect: true }) },
  ],
})
class ClaimsRoutes {}

describe(ClaimsController.name, () => {
  let app: INestApplication;
  const post = async (path: string, headers: Record<string, string> = {}, payload?: unknown) => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: path, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() as Record<string, unknown> };
  };

  beforeAll(async () => {
    // In memory: Fastify's inject runs the real router, guards, pipes and filter without a socket.
    app = await NestFactory.create(ClaimsRoutes, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemFilter({ error: () => undefined } as unknown as Logger));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('answers an unknown action 404 before reading any credentials', async () => {
    expect(await post(`/v1/claims/${CLAIM}/approve`)).toMatchObject({ status: 404, body: { detail: 'unknown action approve' } });
    expect(change.calls).toEqual([]);
  });

  it('answers a known action without credentials 401 problem+json, and the use case never runs', async () => {
    const res = await post(`/v1/claims/${CLAIM}/confirm`);
    expect(res).toMatchObject({ status: 401, body: { type: 'https://kurumacover.dev/problems/unauthorized', detail: 'missing x-api-key header' } });
    expect(res.type).toContain('application/problem+json');
    expect(change.calls).toEqual([]);
  });

  it('acts for the partner of the API key, and answers the use case refusals with their problem+json', async () => {
    const key = { 'x-api-key': 'good-key' };
    expect(await post(`/v1/claims/${CLAIM}/withdraw`, key)).toMatchObject({ status: 200, body: { claimId: CLAIM, changed: true } });
    expect(change.calls.at(-1)).toEqual([CLAIM, 'withdraw', { name: 'partner:demo', role: 'partner', partnerId: 'demo' }]);
    expect(await post(`/v1/claims/${CLOSED}/confirm`, key)).toMatchObject({ status: 409, body: { title: 'Conflict', detail: 'cannot confirm a closed claim', instance: `/v1/claims/${CLOSED}/confirm` } });
    expect(await post('/v1/claims/0190c0de-0000-7000-8000-00000000dead/confirm', key)).toMatchObject({ status: 404, body: { title: 'Not found' } });
  });

  it('leaves closing to ops: a partner is refused 403 before the use case runs', async () => {
    const before = change.calls.length;
    expect(await post(`/v1/claims/${CLAIM}/close`, { 'x-api-key': 'good-key' })).toMatchObject({ status: 403, body: { detail: 'only ops close claims' } });
    expect(change.calls).toHaveLength(before);
  });

  it('leaves reserves and payments to ops: a partner is refused 403 and neither use case runs', async () => {
    const before = change.calls.length;
    const key = { 'x-api-key': 'good-key' };
    expect(await post(`/v1/claims/${CLAIM}/reserve`, key, { reserveYen: 1, reason: 'lower it please' })).toMatchObject({ status: 403, body: { detail: 'only ops change claim reserves' } });
    expect(await post(`/v1/claims/${CLAIM}/payments`, key, { paymentReference: 'TR-1', amountYen: 1, payee: 'me' })).toMatchObject({ status: 403, body: { detail: 'only ops record claim payments' } });
    expect(await post(`/v1/claims/${CLAIM}/payments`, {}, { paymentReference: 'TR-1', amountYen: 1, payee: 'me' })).toMatchObject({ status: 401 });
    expect(change.calls).toHaveLength(before);
  });

  it('refuses hostile reserve and payment bodies with 400 naming the field, and nothing runs', async () => {
    const before = change.calls.length;
    const key = { 'x-api-key': 'good-key' };
    const cases: [string, unknown, string][] = [
      ['reserve', { reserveYen: 1e12, reason: 'huge' }, 'reserveYen'],
      ['reserve', { reserveYen: 10.5, reason: 'fraction' }, 'reserveYen'],
      ['reserve', { reserveYen: -1, reason: 'negative' }, 'reserveYen'],
      ['reserve', { reserveYen: '100', reason: 'a string' }, 'reserveYen'],
      ['reserve', { reserveYen: 100, reason: 'nul\u0000byte' }, 'reason'],
      ['reserve', { reserveYen: 100, reason: 'x'.repeat(100_000) }, 'reason'],
      ['reserve', { reserveYen: 100, reason: 'extra field', partnerId: 'rival' }, '(body)'], // its message names partnerId
      ['payments', { paymentReference: "TR-1'; DROP TABLE claim;--", amountYen: 1, payee: 'x' }, 'paymentReference'],
      ['payments', { paymentReference: 'TR-1', amountYen: 0, payee: 'x' }, 'amountYen'],
      ['payments', { paymentReference: 'TR-1', amountYen: 1, payee: 'lone \ud800 surrogate' }, 'payee'],
      ['payments', { paymentReference: 'TR-1', amountYen: 1 }, 'payee'],
    ];
    for (const [action, body, field] of cases) {
      const sut = await post(`/v1/claims/${CLAIM}/${action}`, key, body);
      expect(sut.status, `${action} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(sut.type).toContain('application/problem+json');
      expect(sut.body).toMatchObject({ errors: expect.arrayContaining([expect.objectContaining({ field })]) });
    }
    expect(change.calls).toHaveLength(before);
  });
});
