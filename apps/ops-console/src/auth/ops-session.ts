import type { Request } from 'express';
import { ProblemException } from '@kuruma/service-kit';
import type { OpsIdentity, OpsRole } from './identity-provider';
import { cookieValue, SESSION_COOKIE, type SessionCookie } from './session-cookie';

/** Who is calling, from the session cookie; 401 without a valid session, 403 without the role. */
export function requireSession(req: Request, sessions: SessionCookie, roles?: readonly OpsRole[]): OpsIdentity {
  const identity = sessions.read(cookieValue(req.header('cookie'), SESSION_COOKIE));
  if (!identity) throw ProblemException.unauthorized('sign in first');
  if (roles && !roles.includes(identity.role)) throw ProblemException.forbidden(`role ${identity.role} may not do this`);
  return identity;
}

export const CLAIM_HANDLERS: readonly OpsRole[] = ['claims-handler', 'admin'];
