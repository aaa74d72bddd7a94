import { Controller, Get, Header, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { certificateHtml } from '@kuruma/domain-policy';
import { coverScheduleOf } from '@kuruma/domain-rating';
import { SqlDatabase } from '@kuruma/data-access-db';
import { BusinessClock, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import { OpsSessionGuard } from './auth/ops-session.guard';
import { LiveFiguresQuery } from './figures/live-figures.query';
import { PolicyDetailQuery } from './policies/policy-detail.query';
import type { OpsConsoleConfig } from './ops-console.config';
import { RiskMapQuery } from './risk/risk-map.query';
import { CONFIG } from './tokens';
import { PolicySearchQuery } from './search/policy-search.query';

const riskParams = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  cell: z.coerce.number().min(0.01).max(5).default(0.1),
});

/** Read side of the console: figures, search, policy drill-down, risk map. Every call needs a session. */
@Controller('api')
@UseGuards(OpsSessionGuard)
export class ConsoleApiController {
  private readonly figures: LiveFiguresQuery;
  private readonly search: PolicySearchQuery;
  private readonly detail: PolicyDetailQuery;
  private readonly risk: RiskMapQuery;

  constructor(
    @Inject(SqlDatabase) db: SqlDatabase,
    @Inject(BusinessClock) private readonly clock: BusinessClock,
    @Inject(CONFIG) config: OpsConsoleConfig,
  ) {
    this.figures = new LiveFiguresQuery(db);
    this.search = new PolicySearchQuery(db, config.DRIVER_PSEUDONYM_KEY);
    this.detail = new PolicyDetailQuery(db);
    this.risk = new RiskMapQuery(db);
  }

  @Get('figures')
  liveFigures() {
    // Today, in force and earned are business notions: the business clock's now.
    return this.figures.run(this.clock.now());
  }

  @Get('policies')
  searchPolicies(@Query('q') q = '', @Query('cursor') cursor?: string, @Query('limit') limit = '25') {
    const size = Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 200) throw ProblemException.badRequest('limit must be 1-200', [{ field: 'limit', message: 'integer 1-200' }]);
    return this.search.run(q, cursor, size);
  }

  @Get('policies/:policyId')
  async policy(@Param('policyId') policyId: string) {
    const found = await this.detail.run(policyId);
    if (!found) throw ProblemException.notFound(`policy ${policyId} not found`);
    return found;
  }

  @Get('policies/:policyId/certificate')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async certificate(@Param('policyId') policyId: string): Promise<string> {
    const found = await this.detail.run(policyId);
    if (!found?.policy.policyNumber) throw ProblemException.notFound(`policy ${policyId} has no certificate`);
    return certificateHtml(found.policy, coverScheduleOf(found.policy.tariffVersion, found.policy.plan, found.policy.request));
  }

  @Get('risk-map')
  async riskMap(@Query(new ZodValidationPipe(riskParams, 'invalid risk map period')) period: z.infer<typeof riskParams>) {
    return { cells: await this.risk.run(new Date(period.from), new Date(period.to), period.cell) };
  }
}
