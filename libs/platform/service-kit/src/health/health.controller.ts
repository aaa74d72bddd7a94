import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthRegistry } from './health-registry';
import type { HttpReply } from '../http/http-request';

@Controller('health')
export class HealthController {
  constructor(@Inject(HealthRegistry) private readonly registry: HealthRegistry) {}

  /** The process is alive and its event loop turns; restart it if this fails. */
  @Get('live')
  live() {
    return { status: 'live' };
  }

  /** Every dependency this service needs answers; route traffic only when this is 200. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: HttpReply) {
    const report = await this.registry.report();
    res.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
