import { Controller, Get, Header, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { type PartnerRecord, type PolicyPosition, policyPage, PolicyRepository, SqlDatabase } from '@kuruma/data-access-db';
import { PageCursors, pageOf, Partner, PartnerGuard, ProblemException } from '@kuruma/service-kit';
import { certificateHtml } from '@kuruma/domain-policy';
import { coverScheduleOf } from '@kuruma/domain-rating';
import { policyView } from './policy-view';

/** Partners read their own policies; another partner's policy is indistinguishable from none (404). */
@Controller('v1/policies')
@UseGuards(PartnerGuard)
export class PoliciesController {
  private readonly repo = new PolicyRepository();

  constructor(
    @Inject(SqlDatabase) private readonly db: SqlDatabase,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  /** The partner's policies newest first, of one booking when `bookingId` is given, a page at a time. */
  @Get()
  async list(@Partner() partner: PartnerRecord, @Query('bookingId') bookingId?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const list = `policies ${JSON.stringify([bookingId ?? ''])}`;
    const page = this.cursors.query<PolicyPosition>(partner.id, list, limit, cursor);
    const rows = await policyPage(this.db, partner.id, { bookingId: bookingId || undefined, limit: page.limit + 1, after: page.after });
    const { shown, nextCursor } = pageOf(rows, page.limit, (last) => this.cursors.seal(partner.id, list, [last.createdAt.toISOString(), last.id]));
    return { items: await Promise.all(shown.map(async (p) => policyView(p, await this.repo.endorsements(this.db, p.id)))), nextCursor };
  }

  @Get(':policyId')
  async one(@Partner() partner: PartnerRecord, @Param('policyId') policyId: string) {
    const policy = await this.repo.findForPartner(this.db, partner.id, policyId);
    if (!policy) throw ProblemException.notFound(`policy ${policyId} not found`);
    return policyView(policy, await this.repo.endorsements(this.db, policy.id));
  }

  @Get(':policyId/certificate')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async certificate(@Partner() partner: PartnerRecord, @Param('policyId') policyId: string): Promise<string> {
    const policy = await this.repo.findForPartner(this.db, partner.id, policyId);
    if (!policy || !policy.policyNumber) throw ProblemException.notFound(`policy ${policyId} not found`);
    return certificateHtml(policy, coverScheduleOf(policy.tariffVersion, policy.plan, policy.request));
  }
}
