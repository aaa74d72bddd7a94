import { Controller, Get, Header, Inject, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { fieldErrors } from '@kuruma/contracts';
import { certificateHtml } from '@kuruma/domain-policy';
import type { Database } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import { requireSession } from './auth/require-session';
import { OpsSessions } from './auth/ops-sessions';
import { LiveFiguresQuery } from './figures/live-figures.query';
import { PolicyDetailQuery } from './policies/policy-detail.query';
import { RiskMapQuery } from './risk/risk-map.query';
import { PolicySearchQuery } from './search/policy-search.query';
import { DATABASE } from './tokens';

const riskParams = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  cell: z.coerce.number().min(0.01).max(5).default(0.1),
});

/** Read side of the console: figures, search, policy drill-down, risk map. Every call needs a session. */
@Controller('api')
export class ConsoleApiController {
  private readonly figures: LiveFiguresQuery;
  private readonly search: PolicySearchQuery;
  private readonly detail: PolicyDetailQuery;
  private readonly risk: RiskMapQuery;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
  ) {
    this.figures = new LiveFiguresQuery(db);
    this.search = new PolicySearchQuery(db);
    this.detail = new PolicyDetailQuery(db);
    this.risk = new RiskMapQuery(db);
  }

  @Get('figures')
  async liveFigures(@Req() req: Request) {
    await requireSession(req, this.sessions);
    return this.figures.run();
  }

  @Get('policies')
  async searchPolicies(@Req() req: Request, @Query('q') q = '', @Query('cursor') cursor?: string, @Query('limit') limit = '25') {
    await requireSession(req, this.sessions);
    const size = Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 200) throw ProblemException.badRequest('limit must be 1-200', [{ field: 'limit', message: 'integer 1-200' }]);
    return this.search.run(q, cursor, size);
  }

  @Get('policies/:policyId')
  async policy(@Req() req: Request, @Param('policyId') policyId: string) {
    await requireSession(req, this.sessions);
    const found = await this.detail.run(policyId);
    if (!found) throw ProblemException.notFound(`policy ${policyId} not found`);
    return found;
  }

  @Get('policies/:policyId/certificate')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async certificate(@Req() req: Request, @Param('policyId') policyId: string): Promise<string> {
    await requireSession(req, this.sessions);
    const found = await this.detail.run(policyId);
    if (!found?.policy.policyNumber) throw ProblemException.notFound(`policy ${policyId} has no certificate`);
    return certificateHtml(found.policy);
  }

  @Get('risk-map')
  async riskMap(@Req() req: Request, @Query() query: Record<string, string>) {
    await requireSession(req, this.sessions);
    const parsed = riskParams.safeParse(query);
    if (!parsed.success) throw ProblemException.badRequest('invalid risk map period', fieldErrors(parsed.error));
    return { cells: await this.risk.run(new Date(parsed.data.from), new Date(parsed.data.to), parsed.data.cell) };
  }
}
