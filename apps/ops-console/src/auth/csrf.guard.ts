import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '@kuruma/service-kit';
import { type OpsSessions, sessionIdOf } from './ops-sessions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Every state-changing request must come from the console's own pages: its Origin (or, failing
 * that, its Referer) must be the console's, and, once signed in, it must carry the session's CSRF
 * token in a header that only the console's script can read and send. The sign-in itself has no
 * session yet, so the Origin check alone refuses login CSRF. SameSite=Strict cookies were the only
 * defence before; they do not cover sibling subdomains or older browsers.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly sessions: OpsSessions,
    /** OPS_CONSOLE_ORIGINS; empty means the request's own Host. */
    private readonly origins: readonly string[],
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const origin = req.header('origin') ?? originOf(req.header('referer'));
    if (!origin || !this.allowed(origin, req)) throw ProblemException.forbidden(`cross-site request refused: Origin ${origin ?? '(none)'} is not this console`);
    const sessionId = sessionIdOf(req);
    // Without a session there is nothing to forge: the sign-in needs none and the rest answer 401.
    if (!sessionId || (req.method === 'POST' && req.path === '/api/session')) return true;
    if (!this.sessions.csrfTokenMatches(sessionId, req.header(CSRF_HEADER))) throw ProblemException.forbidden(`missing or wrong ${CSRF_HEADER} header`);
    return true;
  }

  private allowed(origin: string, req: Request): boolean {
    if (this.origins.length) return this.origins.includes(origin);
    try {
      return new URL(origin).host === req.header('host');
    } catch {
      return false;
    }
  }
}

function originOf(referer: string | undefined): string | undefined {
  try {
    return referer ? new URL(referer).origin : undefined;
  } catch {
    return undefined;
  }
}
