import type { Request } from 'express';
import { ProblemException } from '@kuruma/service-kit';
import type { OpsIdentity, OpsRole } from './identity-provider';
import { type OpsSessions, sessionIdOf } from './ops-sessions';

/** Who is calling, from the server-side session; 401 without a live session, 403 without the role. */
export async function requireSession(req: Request, sessions: OpsSessions, roles?: readonly OpsRole[]): Promise<OpsIdentity> {
  const identity = await sessions.identify(sessionIdOf(req));
  if (!identity) throw ProblemException.unauthorized('sign in first');
  if (roles && !roles.includes(identity.role)) throw ProblemException.forbidden(`role ${identity.role} may not do this`);
  return identity;
}

export const CLAIM_HANDLERS: readonly OpsRole[] = ['claims-handler', 'admin'];
