import { Body, Controller, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { validateBody } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import { CONFIG } from '../tokens';
import type { OpsConsoleConfig } from '../ops-console.config';
import { loginPageHtml } from '../web/login-page.html';
import { IDENTITY_PROVIDER, type IdentityProvider } from './identity-provider';
import { cookieValue, SESSION_COOKIE, SessionCookie } from './session-cookie';

const credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

@Controller()
export class AuthController {
  constructor(
    @Inject(IDENTITY_PROVIDER) private readonly identities: IdentityProvider,
    @Inject(SessionCookie) private readonly sessions: SessionCookie,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginPage(): string {
    return loginPageHtml();
  }

  /** JSON (the console's own form) or a classic form post; both set the same session cookie. */
  @Post('api/session')
  @HttpCode(200)
  async signIn(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { username, password } = validateBody(credentials, body);
    const identity = await this.identities.authenticate(username, password);
    if (!identity) {
      await this.audit.record({ username, role: '-' as never }, 'sign-in-failed', 'ops-user', username);
      res.status(401).type('application/problem+json');
      return { type: 'https://kurumacover.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'unknown user or wrong password' };
    }
    res.setHeader('Set-Cookie', this.sessions.header(this.sessions.issue(identity), this.config.APP_ENV === 'production'));
    await this.audit.record(identity, 'sign-in', 'ops-user', identity.username);
    return identity;
  }

  @Get('api/session')
  me(@Req() req: Request) {
    const identity = this.sessions.read(cookieValue(req.header('cookie'), SESSION_COOKIE));
    return identity ?? { username: null, role: null };
  }

  @Post('api/session/end')
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const identity = this.sessions.read(cookieValue(req.header('cookie'), SESSION_COOKIE));
    if (identity) await this.audit.record(identity, 'sign-out', 'ops-user', identity.username);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
  }
}
