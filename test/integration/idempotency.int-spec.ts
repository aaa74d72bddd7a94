import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, type INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PartnerRecord, PartnerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS, Idempotent, IdempotencyInterceptor, IdempotencyStore, Partner, PartnerAuthenticator, PartnerGuard, ProblemFilter, REDIS } from '@kuruma/service-kit';
import { DEMO_API_KEY, TEST_ENV } from '../../tools/harness';

/** Lets a test hold a request inside its handler until it says so (no timing involved). */
class Gate {
  entered!: Promise<void>;
  private enter!: () => void;
  release!: () => void;
  private opened!: Promise<void>;
  constructor() {
    this.reset();
  }
  reset(): void {
    this.entered = new Promise((resolve) => (this.enter = resolve));
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  async pass(): Promise<void> {
    this.enter();
    await this.opened;
  }
}

const effects: string[] = [];
const gate = new Gate();

/** A POST that creates something each time it runs: the number of effects is what a partner would notice twice. */
@Controller('v1/things')
@UseGuards(PartnerGuard)
class ThingsController {
  @Post()
  @Idempotent()
  create(@Partner() partner: PartnerRecord, @Body() body: { name: string; fail?: boolean }) {
    if (body.fail) throw new Error('failed before any effect');
    const id = randomUUID();
    effects.push(`${partner.id}:${body.name}:${id}`);
    return { id, name: body.name, createdAt: new Date('2026-12-01T09:00:00+09:00') };
  }

  @Post('slow')
  @HttpCode(200)
  @Idempotent()
  async slow(@Partner() partner: PartnerRecord, @Body() body: { name: string }) {
    await gate.pass();
    effects.push(`${partner.id}:${body.name}:slow`);
    return { name: body.name };
  }
}

describe(`${IdempotencyInterceptor.name} (real Redis and Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  const rival = { id: `rival-idem-${randomUUID().slice(0, 8)}`, apiKey: `rival-key-${randomUUID()}` };
  let app: INestApplication;

  @Module({
    controllers: [ThingsController],
    providers: [
      { provide: PartnerAuthenticator, useFactory: () => new PartnerAuthenticator(new PartnerRepository(db)) },
      { provide: REDIS, useValue: redis },
    ],
  })
  class ThingsModule {}

  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: path, payload: body as object, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.statusCode, replayed: res.headers['idempotent-replayed'], type: String(res.headers['content-type']), body: res.json() as Record<string, unknown> };
  };
  const demo = (key: string) => ({ 'x-api-key': DEMO_API_KEY, 'idempotency-key': key });

  beforeAll(async () => {
    await new PartnerRepository(db).upsert({ id: rival.id, name: 'Rival', apiKey: rival.apiKey, webhookSecret: 'whsec_cml2YWw=' });
    app = await NestFactory.create(ThingsModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemFilter({ error: () => undefined } as never));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await db.$executeRaw`DELETE FROM partner WHERE id = ${rival.id}`;
    await db.end();
    redis.disconnect();
  });

  it('runs a request once per key: the retry gets the first status and body, marked replayed', async () => {
    const key = randomUUID();
    const first = await post('/v1/things', { name: 'a', extra: [1, 2] }, demo(key));
    expect(first).toMatchObject({ status: 201, replayed: undefined, body: { name: 'a', createdAt: '2026-12-01T00:00:00.000Z' } });
    const again = await post('/v1/things', { extra: [1, 2], name: 'a' }, demo(key));
    expect(again).toEqual({ ...first, replayed: 'true' });
    expect(effects.filter((e) => e.startsWith('demo:a:'))).toHaveLength(1);
  });

  it('keeps the answer for the documented day, under a name that does not show the key', async () => {
    const key = randomUUID();
    await post('/v1/things', { name: 'ttl' }, demo(key));
    const ttl = await redis.pttl(IdempotencyStore.redisKey('partner:demo', key));
    expect(ttl).toBeGreaterThan(IDEMPOTENCY_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(IDEMPOTENCY_TTL_MS);
    expect(await redis.keys(`*${key}*`)).toEqual([]);
  });

  it('refuses the same key with another body 422 problem+json naming Idempotency-Key, and runs nothing', async () => {
    const key = randomUUID();
    await post('/v1/things', { name: 'b' }, demo(key));
    const before = effects.length;
    const res = await post('/v1/things', { name: 'c' }, demo(key));
    expect(res).toMatchObject({ status: 422, body: { status: 422, errors: [{ field: 'Idempotency-Key' }] } });
    expect(res.type).toContain('application/problem+json');
    expect(effects).toHaveLength(before);
  });

  it("scopes keys per partner: another partner's same key and body runs as its own request", async () => {
    const key = randomUUID();
    const mine = await post('/v1/things', { name: 'shared' }, demo(key));
    const theirs = await post('/v1/things', { name: 'shared' }, { 'x-api-key': rival.apiKey, 'idempotency-key': key });
    expect(theirs).toMatchObject({ status: 201, replayed: undefined });
    expect(theirs.body['id']).not.toBe(mine.body['id']);
  });

  it('answers a duplicate sent while the first is still running 409 with Retry-After, then replays the first answer', async () => {
    const key = randomUUID();
    gate.reset();
    const first = post('/v1/things/slow', { name: 'slow' }, demo(key));
    await gate.entered;
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/v1/things/slow', payload: { name: 'slow' }, headers: demo(key) });
    expect(res.statusCode).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    gate.release();
    expect(await first).toMatchObject({ status: 200, body: { name: 'slow' } });
    expect(await post('/v1/things/slow', { name: 'slow' }, demo(key))).toMatchObject({ status: 200, replayed: 'true', body: { name: 'slow' } });
    expect(effects.filter((e) => e === 'demo:slow:slow')).toHaveLength(1);
  });

  it('gives the key back when the request fails, so the retry runs', async () => {
    const key = randomUUID();
    expect((await post('/v1/things', { name: 'retry', fail: true }, demo(key))).status).toBe(500);
    expect(await post('/v1/things', { name: 'retry' }, demo(key))).toMatchObject({ status: 201, replayed: undefined, body: { name: 'retry' } });
  });

  it('frees a key whose request never finished (its instance was killed) once the lease runs out', async () => {
    const key = randomUUID();
    const name = IdempotencyStore.redisKey('partner:demo', key);
    const store = new IdempotencyStore(redis, { ttlMs: IDEMPOTENCY_TTL_MS, leaseMs: IDEMPOTENCY_LEASE_MS });
    const claim = await store.claim('partner:demo', key, 'a-request-that-died');
    expect(claim.kind).toBe('acquired');
    expect(await redis.pttl(name)).toBeLessThanOrEqual(IDEMPOTENCY_LEASE_MS);
    await redis.del(name); // what the lease's expiry does
    expect(await post('/v1/things', { name: 'after-crash' }, demo(key))).toMatchObject({ status: 201 });
  });

  it('leaves requests without a key alone, and refuses a malformed key 400 naming it', async () => {
    const plain = { 'x-api-key': DEMO_API_KEY };
    const a = await post('/v1/things', { name: 'plain' }, plain);
    const b = await post('/v1/things', { name: 'plain' }, plain);
    expect(a.body['id']).not.toBe(b.body['id']);
    expect(await post('/v1/things', { name: 'x' }, { ...plain, 'idempotency-key': 'has space' })).toMatchObject({ status: 400, body: { errors: [{ field: 'Idempotency-Key' }] } });
  });

  it('checks credentials before the key: an unknown API key gets 401 and stores nothing', async () => {
    const key = randomUUID();
    expect((await post('/v1/things', { name: 'x' }, { 'x-api-key': 'nope-nope-nope-nope', 'idempotency-key': key })).status).toBe(401);
    expect(await redis.keys('idempotency:*:*').then((keys) => keys.some((k) => k.includes(key)))).toBe(false);
  });
});
