import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Database } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, CLAIM_HANDLERS, Roles } from '../auth/roles.decorator';
import { DATABASE } from '../tokens';
import { ClaimsTriggerClient } from './claims-trigger.client';

/** Most urgent first: injury-capable crashes, then theft, vandalism, minor crashes. */
const SEVERITY_ORDER = ['major', 'theft', 'vandalism', 'minor', 'security'];

@Controller('api/claims')
@UseGuards(OpsSessionGuard)
export class ClaimsQueueController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ClaimsTriggerClient) private readonly claimsTrigger: ClaimsTriggerClient,
  ) {}

  @Get()
  async queue(@Query('status') status = 'provisional') {
    const claims = await this.db.claim.findMany({ where: { status }, orderBy: { openedAt: 'desc' }, take: 500, include: { _count: { select: { signals: true } } } });
    const items = claims
      .map(({ _count, ...c }) => ({ ...c, signalCount: _count.signals }))
      .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.openedAt.getTime() - a.openedAt.getTime());
    return { items };
  }

  @Get(':claimId')
  async detail(@Param('claimId') claimId: string) {
    const claim = /^[0-9a-f-]{36}$/i.test(claimId)
      ? await this.db.claim.findUnique({ where: { id: claimId }, include: { signals: { orderBy: { occurredAt: 'asc' } } } })
      : await this.db.claim.findUnique({ where: { claimNumber: claimId }, include: { signals: { orderBy: { occurredAt: 'asc' } } } });
    if (!claim) throw ProblemException.notFound(`claim ${claimId} not found`);
    const audit = await this.db.auditLog.findMany({ where: { targetType: 'claim', targetId: claim.id }, orderBy: { at: 'asc' } });
    return { ...claim, audit };
  }

  // claims-trigger writes the audit entry of an action in the same transaction as the status change.
  @Post(':claimId/confirm')
  @HttpCode(200)
  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'confirm claims', auditAction: 'claim.confirm-refused', targetType: 'claim', targetParam: 'claimId' })
  confirm(@OpsUser() identity: OpsIdentity, @Param('claimId') claimId: string) {
    return this.claimsTrigger.act(claimId, 'confirm', identity);
  }

  @Post(':claimId/withdraw')
  @HttpCode(200)
  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'withdraw claims', auditAction: 'claim.withdraw-refused', targetType: 'claim', targetParam: 'claimId' })
  withdraw(@OpsUser() identity: OpsIdentity, @Param('claimId') claimId: string) {
    return this.claimsTrigger.act(claimId, 'withdraw', identity);
  }

  /** Declared after the actions: any signed-in user learns an action does not exist (404), whatever the role. */
  @Post(':claimId/:action')
  unknownAction(@Param('action') action: string): never {
    throw ProblemException.notFound(`unknown action ${action}`);
  }
}
