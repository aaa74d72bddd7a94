import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthRegistry } from './health-registry';
import { BusinessClock } from '../platform/business-clock';
import type { HttpReply } from '../http/http-request';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthRegistry) private readonly registry: HealthRegistry,
    @Inject(BusinessClock) private readonly clock: BusinessClock,
  ) {}

  /**
   * The process is alive and its event loop turns; restart it if this fails. Names the business
   * clock, so a simulated one is visible to whoever looks.
   */
  @Get('live')
  live() {
    return { status: 'live', businessClock: this.clock.report() };
  }

  /** Every dependency this service needs answers; route traffic only when this is 200. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: HttpReply) {
    const report = await this.registry.report();
    res.status(report.status === 'ready' ? 200 : 503);
    return { ...report, businessClock: this.clock.report() };
  }
}
