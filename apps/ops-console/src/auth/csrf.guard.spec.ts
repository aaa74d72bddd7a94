import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { SqlTx } from '@kuruma/data-access-db';
import { CsrfGuard } from './csrf.guard';
import { OpsSessions } from './ops-sessions';

const sessions = new OpsSessions({} as SqlTx, 's'.repeat(40));
const context = (method: string, path: string, headers: Record<string, string>) =>
  ({
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ method, path, header: (name: string) => headers[name.toLowerCase()] }) }),
  }) as unknown as ExecutionContext;
const refusal = (guard: CsrfGuard, ctx: ExecutionContext) => {
  try {
    guard.canActivate(ctx);
    return null;
  } catch (error) {
    return (error as { problem: { status: number; detail: string } }).problem;
  }
};

describe('finding 7: CSRF guard', () => {
  const sut = new CsrfGuard(sessions, []);
  const own = { host: 'console.local:3000', origin: 'http://console.local:3000' };

  it('lets reads through and wants the console Origin on every change, the sign-in included', () => {
    expect(refusal(sut, context('GET', '/api/figures', { host: own.host, origin: 'https://evil.example' }))).toBeNull();
    expect(refusal(sut, context('POST', '/api/session', own))).toBeNull();
    expect(refusal(sut, context('POST', '/api/session', { host: own.host, origin: 'https://evil.example' }))?.status).toBe(403);
    expect(refusal(sut, context('POST', '/api/session', { host: own.host }))?.status).toBe(403);
    expect(refusal(sut, context('POST', '/api/session', { host: own.host, referer: 'http://console.local:3000/login' }))).toBeNull();
  });

  it('wants the session token once signed in', () => {
    const cookie = 'kc_session=abc';
    expect(refusal(sut, context('POST', '/api/session/end', { ...own, cookie }))?.detail).toMatch(/x-csrf-token/);
    expect(refusal(sut, context('POST', '/api/session/end', { ...own, cookie, 'x-csrf-token': sessions.csrfToken('other') }))?.status).toBe(403);
    expect(refusal(sut, context('POST', '/api/session/end', { ...own, cookie, 'x-csrf-token': sessions.csrfToken('abc') }))).toBeNull();
  });

  it('with OPS_CONSOLE_ORIGINS set, accepts only those origins', () => {
    const pinned = new CsrfGuard(sessions, ['https://ops.example.com']);
    expect(refusal(pinned, context('POST', '/api/session', own))?.status).toBe(403);
    expect(refusal(pinned, context('POST', '/api/session', { host: 'internal:3000', origin: 'https://ops.example.com' }))).toBeNull();
  });
});
