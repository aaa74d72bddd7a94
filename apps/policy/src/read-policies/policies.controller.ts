import { Controller, Get, Header, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { type PartnerRecord, PolicyRepository, SqlDatabase } from '@kuruma/data-access-db';
import { Partner, PartnerGuard, ProblemException } from '@kuruma/service-kit';
import { certificateHtml } from '@kuruma/domain-policy';
import { coverScheduleOf } from '@kuruma/domain-rating';
import { policyView } from './policy-view';

/** Partners read their own policies; another partner's policy is indistinguishable from none (404). */
@Controller('v1/policies')
@UseGuards(PartnerGuard)
export class PoliciesController {
  private readonly repo = new PolicyRepository();

  constructor(@Inject(SqlDatabase) private readonly db: SqlDatabase) {}

  @Get()
  async byBooking(@Partner() partner: PartnerRecord, @Query('bookingId') bookingId?: string) {
    if (!bookingId) throw ProblemException.badRequest('bookingId is required', [{ field: 'bookingId', message: 'required query parameter' }]);
    const policies = await this.repo.findByBooking(this.db, partner.id, bookingId);
    return { items: await Promise.all(policies.map(async (p) => policyView(p, await this.repo.endorsements(this.db, p.id)))) };
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
