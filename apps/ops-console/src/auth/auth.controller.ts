import { Body, Controller, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ProblemException, TokenBuckets, ZodValidationPipe } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import { CONFIG } from '../tokens';
import type { OpsConsoleConfig } from '../ops-console.config';
import { loginPageHtml } from '../web/login-page.html';
import { IDENTITY_PROVIDER, type IdentityProvider } from './identity-provider';
import { LoginThrottle } from './login-throttle';
import { OpsSessions, sessionIdOf } from './ops-sessions';

const credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

@Controller()
export class AuthController {
  /**
   * Attempts of any outcome, per address and per user name, in this instance: a cap on how fast
   * anyone can try, below the lockout (which counts failures, in the database, for all instances).
   */
  private readonly attempts: TokenBuckets;

  constructor(
    @Inject(IDENTITY_PROVIDER) private readonly identities: IdentityProvider,
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(CONFIG) private readonly config: OpsConsoleConfig,
  ) {
    const perMinute = config.OPS_LOGIN_ATTEMPTS_PER_MIN;
    this.attempts = new TokenBuckets({ perSecond: perMinute / 60, burst: perMinute });
  }

  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginPage(): string {
    return loginPageHtml();
  }

  /**
   * JSON (the console's own form) or a classic form post; both set the same session cookie. The
   * Origin check (CsrfGuard) refuses sign-ins posted from other sites (login CSRF).
   */
  @Post('api/session')
  @HttpCode(200)
  async signIn(@Body(new ZodValidationPipe(credentials)) { username, password }: z.infer<typeof credentials>, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const address = req.ip ?? 'unknown';
    for (const caller of [`addr:${address}`, `user:${username.toLowerCase()}`]) {
      const taken = this.attempts.take(caller);
      if (!taken.ok) throw ProblemException.tooManyRequests('too many sign-in attempts; slow down', taken.retryAfterS);
    }
    const lockedMs = await this.throttle.lockedForMs(username, address);
    if (lockedMs > 0) {
      await this.audit.record({ username, role: '-' as never }, 'sign-in-locked', 'ops-user', username, { address });
      throw ProblemException.tooManyRequests('too many failed sign-ins; try again later', Math.ceil(lockedMs / 1000));
    }
    const identity = await this.identities.authenticate(username, password);
    if (!identity) {
      await Promise.all([this.throttle.failed(username, address), this.audit.record({ username, role: '-' as never }, 'sign-in-failed', 'ops-user', username, { address })]);
      throw ProblemException.unauthorized('unknown user or wrong password');
    }
    const [sessionId] = await Promise.all([this.sessions.start(identity), this.throttle.succeeded(username), this.audit.record(identity, 'sign-in', 'ops-user', identity.username)]);
    res.setHeader('Set-Cookie', this.sessions.cookie(sessionId, this.secure));
    return { ...identity, csrfToken: this.sessions.csrfToken(sessionId) };
  }

  /** Who is signed in, and the CSRF token the console script sends with every change. */
  @Get('api/session')
  async me(@Req() req: Request) {
    const sessionId = sessionIdOf(req);
    const identity = await this.sessions.identify(sessionId);
    return identity && sessionId ? { ...identity, csrfToken: this.sessions.csrfToken(sessionId) } : { username: null, role: null };
  }

  @Post('api/session/end')
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const sessionId = sessionIdOf(req);
    const identity = await this.sessions.identify(sessionId);
    await this.sessions.end(sessionId);
    if (identity) await this.audit.record(identity, 'sign-out', 'ops-user', identity.username);
    res.setHeader('Set-Cookie', this.sessions.clearedCookie(this.secure));
  }

  private get secure(): boolean {
    return this.config.APP_ENV === 'production';
  }
}
