import { describe, expect, it } from 'vitest';
import { ProblemException } from '../problem.exception';
import { idempotencyKeyOf, requestFingerprint } from './idempotency-key';

const req = (headers: Record<string, string | string[]>) => ({ headers, url: '/v1/quotes' });

describe(idempotencyKeyOf.name, () => {
  it('reads the key, and leaves a request without one alone', () => {
    expect(idempotencyKeyOf(req({ 'idempotency-key': '8e03978e-40d5-43e8-bc93-6894a57f9324' }))).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(idempotencyKeyOf(req({}))).toBeUndefined();
  });

  it('refuses empty, overlong, spaced, NUL-bearing and repeated keys with 400 naming Idempotency-Key', () => {
    for (const bad of ['', 'x'.repeat(256), 'a b', 'a\u0000b', 'ключ', 'k1, k2', ['k1', 'k2']]) {
      let problem: ProblemException | undefined;
      try {
        idempotencyKeyOf(req({ 'idempotency-key': bad }));
      } catch (err) {
        problem = err as ProblemException;
      }
      expect(problem?.problem).toMatchObject({ status: 400, errors: [{ field: 'Idempotency-Key' }] });
    }
  });
});

describe(requestFingerprint.name, () => {
  it('is the same for the same request whatever the order of its fields', () => {
    expect(requestFingerprint('POST', '/v1/quotes', { a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestFingerprint('post', '/v1/quotes', { b: { d: 'x', c: [1, 2] }, a: 1 }));
  });

  it('differs when the body, the path or the method differs', () => {
    const first = requestFingerprint('POST', '/v1/claims/c1/confirm', { a: 1 });
    expect(requestFingerprint('POST', '/v1/claims/c1/confirm', { a: 2 })).not.toBe(first);
    expect(requestFingerprint('POST', '/v1/claims/c1/withdraw', { a: 1 })).not.toBe(first);
    expect(requestFingerprint('POST', '/v1/claims/c2/confirm', { a: 1 })).not.toBe(first);
    expect(requestFingerprint('PUT', '/v1/claims/c1/confirm', { a: 1 })).not.toBe(first);
    expect(requestFingerprint('POST', '/v1/quotes', [1, 2])).not.toBe(requestFingerprint('POST', '/v1/quotes', [2, 1]));
  });
});
