import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from './identity-provider';
import type { OpsSessions } from './ops-sessions';
import { OpsSessionGuard, type OpsSessionRequest, opsUserOf } from './ops-session.guard';
import { AuditRoleRefusal, CLAIM_HANDLERS, Roles } from './roles.decorator';

/** Handlers as Nest would see them; their bodies never run here. */
class Routes {
  figures(): string {
    return 'figures';
  }

  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'confirm claims', auditAction: 'claim.confirm-refused', targetType: 'claim', targetParam: 'claimId' })
  confirm(): string {
    return 'confirmed';
  }

  @Roles('admin')
  purge(): string {
    return 'purged';
  }
}

const users: Record<string, OpsIdentity> = { 'viewer-session': { username: 'taro', role: 'viewer' }, 'handler-session': { username: 'hanako', role: 'claims-handler' } };
const sessions = { identify: async (id: string | undefined) => (id ? (users[id] ?? null) : null) } as unknown as OpsSessions;

function setup() {
  const audited: unknown[][] = [];
  const audit = { record: async (...entry: unknown[]) => void audited.push(entry) } as unknown as AuditLog;
  return { audited, sut: new OpsSessionGuard(sessions, new Reflector(), audit) };
}
const request = (sessionId?: string): OpsSessionRequest =>
  ({ header: (name: string) => (name === 'cookie' && sessionId ? `kc_session=${sessionId}` : undefined), params: { claimId: 'c-1' } }) as unknown as OpsSessionRequest;
const contextOf = (req: OpsSessionRequest, route: keyof Routes) =>
  ({ switchToHttp: () => ({ getRequest: () => req }), getHandler: () => Routes.prototype[route], getClass: () => Routes }) as unknown as ExecutionContext;
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: { problem: { status: number; detail: string } }) => error.problem);

describe(OpsSessionGuard.name, () => {
  it('lets a signed-in user through and hands the identity to @OpsUser()', async () => {
    const { sut } = setup();
    const req = request('viewer-session');
    await expect(sut.canActivate(contextOf(req, 'figures'))).resolves.toBe(true);
    expect(opsUserOf(req)).toEqual({ username: 'taro', role: 'viewer' });
  });

  it('answers 401 without a live session', async () => {
    const { sut } = setup();
    expect(await refusal(sut.canActivate(contextOf(request(), 'figures')))).toMatchObject({ status: 401, detail: 'sign in first' });
    expect(await refusal(sut.canActivate(contextOf(request('signed-out-session'), 'figures')))).toMatchObject({ status: 401 });
  });

  it('answers 403 to a role the route does not allow, and audits the attempt where the route asks', async () => {
    const { sut, audited } = setup();
    expect(await refusal(sut.canActivate(contextOf(request('viewer-session'), 'confirm')))).toMatchObject({ status: 403, detail: 'role viewer may not confirm claims' });
    expect(audited).toEqual([[{ username: 'taro', role: 'viewer' }, 'claim.confirm-refused', 'claim', 'c-1', { reason: 'role' }]]);
    expect(await refusal(sut.canActivate(contextOf(request('handler-session'), 'purge')))).toMatchObject({ status: 403, detail: 'role claims-handler may not do this' });
    expect(audited).toHaveLength(1);
  });

  it('lets the roles a route names through', async () => {
    const { sut, audited } = setup();
    await expect(sut.canActivate(contextOf(request('handler-session'), 'confirm'))).resolves.toBe(true);
    expect(audited).toEqual([]);
  });
});
