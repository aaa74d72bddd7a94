import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { OpsSessions, sessionIdOf } from '../auth/ops-sessions';
import { CONSOLE_ASSETS } from './console-assets';

/** The single-page console: signed-in users get it, everyone else the login page. */
@Controller()
export class ConsolePagesController {
  constructor(
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
    @Inject(CONSOLE_ASSETS) private readonly assetsDir: string,
  ) {}

  @Get()
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.sessions.identify(sessionIdOf(req)))) return res.redirect(302, '/login');
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(this.assetsDir, 'console.html'));
  }
}
