import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { RateLimitedError, UnauthenticatedError } from '../errors/domain-errors';
import { PartnerAuthenticator } from './partner-authenticator';
import { Partner, PartnerGuard, type PartnerRequest } from './partner.guard';

const demo = { id: 'demo', name: 'Demo', webhookSecret: 'whsec_x' } as PartnerRecord;
const partners = { findByApiKey: async (key: string) => (key === 'good-key' ? demo : null) };
const request = (headers: Record<string, string> = {}): PartnerRequest => ({ headers, url: '/v1/quotes' });
const contextOf = (req: PartnerRequest) => ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;

/** What Nest calls to fill a `@Partner()` parameter. */
function partnerParameter(ctx: ExecutionContext): unknown {
  class Handler {
    handle(@Partner() partner: PartnerRecord): PartnerRecord {
      return partner;
    }
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Handler, 'handle') as Record<string, { factory: (data: unknown, ctx: ExecutionContext) => unknown }>;
  const [arg] = Object.values(args);
  return arg?.factory(undefined, ctx);
}

describe(PartnerGuard.name, () => {
  it('lets a partner with a valid key through and hands it to @Partner()', async () => {
    const req = request({ 'x-api-key': 'good-key' });
    const sut = new PartnerGuard(new PartnerAuthenticator(partners));
    await expect(sut.canActivate(contextOf(req))).resolves.toBe(true);
    expect(partnerParameter(contextOf(req))).toBe(demo);
  });

  it('refuses a missing or unknown key as unauthenticated, so the handler never runs', async () => {
    const sut = new PartnerGuard(new PartnerAuthenticator(partners));
    await expect(sut.canActivate(contextOf(request()))).rejects.toMatchObject({ name: UnauthenticatedError.name, detail: 'missing x-api-key header' });
    const unknown = request({ 'x-api-key': 'made-up' });
    await expect(sut.canActivate(contextOf(unknown))).rejects.toMatchObject({ name: UnauthenticatedError.name, detail: 'unknown API key' });
    expect(unknown.partner).toBeUndefined();
  });

  it('refuses a partner over its rate with the seconds to wait', async () => {
    const sut = new PartnerGuard(new PartnerAuthenticator(partners, { rateLimit: { perSecond: 1, burst: 2 } }));
    for (let i = 0; i < 2; i++) await sut.canActivate(contextOf(request({ 'x-api-key': 'good-key' })));
    await expect(sut.canActivate(contextOf(request({ 'x-api-key': 'good-key' })))).rejects.toMatchObject({ name: RateLimitedError.name, retryAfterS: 1 });
  });

  it('fails loudly when @Partner() is read on a route the guard does not protect', () => {
    expect(() => partnerParameter(contextOf(request({ 'x-api-key': 'good-key' })))).toThrow(/without PartnerGuard/);
  });
});
