import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import type { OpsIdentity, OpsRole } from './identity-provider';
import { OpsSessions, sessionIdOf } from './ops-sessions';
import { ROLE_REFUSAL_KEY, type RoleRefusal, ROLES_KEY } from './roles.decorator';

/** A request OpsSessionGuard has let through: the signed-in ops user. */
export interface OpsSessionRequest extends Request {
  opsUser?: OpsIdentity;
}

/**
 * `@UseGuards(OpsSessionGuard)`: who is calling, from the server-side session (read on every
 * request, so sign-out and role changes apply at once); 401 without a live session, 403 when the
 * route has `@Roles(...)` the user lacks. Handlers read the user with `@OpsUser()`. CSRF is
 * checked before this, by the global CsrfGuard, for every state-changing request.
 */
@Injectable()
export class OpsSessionGuard implements CanActivate {
  constructor(
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<OpsSessionRequest>();
    const identity = await this.sessions.identify(sessionIdOf(req));
    if (!identity) throw ProblemException.unauthorized('sign in first');
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndOverride<OpsRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(identity.role)) {
      const refusal = this.reflector.getAllAndOverride<RoleRefusal | undefined>(ROLE_REFUSAL_KEY, targets);
      if (refusal) await this.audit.record(identity, refusal.auditAction, refusal.targetType, String(req.params[refusal.targetParam] ?? ''), { reason: 'role' });
      throw ProblemException.forbidden(`role ${identity.role} may not ${refusal?.attempt ?? 'do this'}`);
    }
    req.opsUser = identity;
    return true;
  }
}

/** The user OpsSessionGuard let through; a route without the guard is a programming error (500). */
export function opsUserOf(req: OpsSessionRequest): OpsIdentity {
  if (!req.opsUser) throw new Error('@OpsUser() read on a route without OpsSessionGuard');
  return req.opsUser;
}

/** The signed-in ops user, as a handler parameter. */
export const OpsUser = createParamDecorator((_data: unknown, context: ExecutionContext): OpsIdentity => opsUserOf(context.switchToHttp().getRequest<OpsSessionRequest>()));
