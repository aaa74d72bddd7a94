import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { RateLimitedError, UnauthenticatedError } from '../errors/domain-errors';
import { problemFor } from '../http/domain-error.problem';
import { PartnerAuthenticator } from './partner-authenticator';
import { BoundedLru } from './bounded-lru';
import { TokenBuckets } from './token-bucket';

const demo: PartnerRecord = { id: 'demo', name: 'Demo', webhookSecret: 'whsec_x' } as PartnerRecord;
const repository = () => {
  const calls: string[] = [];
  return { calls, findByApiKey: async (key: string) => (calls.push(key), key === 'good-key' ? demo : null) };
};
const withKey = (key: string) => ({ headers: { 'x-api-key': key }, url: '/v1/quotes' });

describe('finding 9: bounded caches for partner API keys', () => {
  it('a flood of unknown keys keeps both caches under their ceilings', async () => {
    const repo = repository();
    const sut = new PartnerAuthenticator(repo, { knownKeys: 10, unknownKeys: 100 });
    for (let i = 0; i < 5_000; i++) await expect(sut.fromRequest(withKey(`made-up-${i}`))).rejects.toBeInstanceOf(UnauthenticatedError);
    await sut.fromRequest(withKey('good-key'));
    expect(sut.cacheSizes).toEqual({ known: 1, unknown: 100 });
  });

  it('remembers an unknown key, so repeating it costs no database query', async () => {
    const repo = repository();
    const sut = new PartnerAuthenticator(repo);
    for (let i = 0; i < 50; i++) await expect(sut.fromRequest(withKey('wrong-key'))).rejects.toMatchObject({ name: 'UnauthenticatedError', detail: 'unknown API key' });
    expect(repo.calls).toEqual(['wrong-key']);
  });

  it('evicts the least recently used entry first', () => {
    const sut = new BoundedLru<string, number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.get('a');
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual([1, undefined, 3]);
  });
});

describe('finding 9: per-partner rate limit', () => {
  it('answers 429 with Retry-After once the burst is spent', async () => {
    const sut = new PartnerAuthenticator(repository(), { rateLimit: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 3; i++) await sut.fromRequest(withKey('good-key'));
    const refusal = (await sut.fromRequest(withKey('good-key')).catch((e: unknown) => e)) as RateLimitedError;
    expect(refusal).toBeInstanceOf(RateLimitedError);
    const answer = problemFor(refusal);
    expect(answer?.problem.status).toBe(429);
    expect(answer?.headers['Retry-After']).toBe('1');
  });

  it('refills at the configured rate', () => {
    const sut = new TokenBuckets({ perSecond: 10, burst: 1 });
    expect(sut.take('p', 0).ok).toBe(true);
    expect(sut.take('p', 50)).toEqual({ ok: false, retryAfterS: 1 });
    expect(sut.take('p', 150).ok).toBe(true);
  });
});

describe('cached API-key lookups', () => {
  afterEach(() => vi.useRealTimers());

  it('stops accepting a rotated key once its cached answer is older than the TTL, and accepts the new key at once', async () => {
    vi.useFakeTimers({ now: 0 });
    let current = 'old-key';
    const calls: string[] = [];
    const sut = new PartnerAuthenticator({ findByApiKey: async (key: string) => (calls.push(key), key === current ? demo : null) }, { ttlMs: 30_000 });
    await expect(sut.fromRequest(withKey('old-key'))).resolves.toBe(demo);

    current = 'new-key';
    vi.setSystemTime(29_999);
    await expect(sut.fromRequest(withKey('old-key'))).resolves.toBe(demo);
    await expect(sut.fromRequest(withKey('new-key'))).resolves.toBe(demo);
    vi.setSystemTime(30_000);
    await expect(sut.fromRequest(withKey('old-key'))).rejects.toMatchObject({ name: 'UnauthenticatedError', detail: 'unknown API key' });
    expect(calls).toEqual(['old-key', 'new-key', 'old-key']);
  });

  it('keeps the rate limit on cached keys: every request counts, not only the lookups', async () => {
    const repo = repository();
    const sut = new PartnerAuthenticator(repo, { rateLimit: { perSecond: 1, burst: 2 } });
    await sut.fromRequest(withKey('good-key'));
    await sut.fromRequest(withKey('good-key'));
    await expect(sut.fromRequest(withKey('good-key'))).rejects.toBeInstanceOf(RateLimitedError);
    expect(repo.calls).toEqual(['good-key']);
  });
});
