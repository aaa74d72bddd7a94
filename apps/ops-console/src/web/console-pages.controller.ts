import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { cookieValue, SESSION_COOKIE, SessionCookie } from '../auth/session-cookie';
import { CONSOLE_ASSETS } from './console-assets';

/** The single-page console: signed-in users get it, everyone else the login page. */
@Controller()
export class ConsolePagesController {
  constructor(
    @Inject(SessionCookie) private readonly sessions: SessionCookie,
    @Inject(CONSOLE_ASSETS) private readonly assetsDir: string,
  ) {}

  @Get()
  index(@Req() req: Request, @Res() res: Response): void {
    if (!this.sessions.read(cookieValue(req.header('cookie'), SESSION_COOKIE))) return res.redirect(302, '/login');
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(this.assetsDir, 'console.html'));
  }
}
