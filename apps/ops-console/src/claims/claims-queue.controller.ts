import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Database } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import { CLAIM_HANDLERS, requireSession } from '../auth/require-session';
import { OpsSessions } from '../auth/ops-sessions';
import { DATABASE } from '../tokens';
import { ClaimsTriggerClient } from './claims-trigger.client';

/** Most urgent first: injury-capable crashes, then theft, vandalism, minor crashes. */
const SEVERITY_ORDER = ['major', 'theft', 'vandalism', 'minor', 'security'];

@Controller('api/claims')
export class ClaimsQueueController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
    @Inject(ClaimsTriggerClient) private readonly claimsTrigger: ClaimsTriggerClient,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get()
  async queue(@Req() req: Request, @Query('status') status = 'provisional') {
    await requireSession(req, this.sessions);
    const claims = await this.db.claim.findMany({ where: { status }, orderBy: { openedAt: 'desc' }, take: 500, include: { _count: { select: { signals: true } } } });
    const items = claims
      .map(({ _count, ...c }) => ({ ...c, signalCount: _count.signals }))
      .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.openedAt.getTime() - a.openedAt.getTime());
    return { items };
  }

  @Get(':claimId')
  async detail(@Req() req: Request, @Param('claimId') claimId: string) {
    await requireSession(req, this.sessions);
    const claim = /^[0-9a-f-]{36}$/i.test(claimId)
      ? await this.db.claim.findUnique({ where: { id: claimId }, include: { signals: { orderBy: { occurredAt: 'asc' } } } })
      : await this.db.claim.findUnique({ where: { claimNumber: claimId }, include: { signals: { orderBy: { occurredAt: 'asc' } } } });
    if (!claim) throw ProblemException.notFound(`claim ${claimId} not found`);
    const audit = await this.db.auditLog.findMany({ where: { targetType: 'claim', targetId: claim.id }, orderBy: { at: 'asc' } });
    return { ...claim, audit };
  }

  @Post(':claimId/:action')
  @HttpCode(200)
  async act(@Req() req: Request, @Param('claimId') claimId: string, @Param('action') action: string) {
    const identity = await requireSession(req, this.sessions);
    if (action !== 'confirm' && action !== 'withdraw') throw ProblemException.notFound(`unknown action ${action}`);
    if (!CLAIM_HANDLERS.includes(identity.role)) {
      await this.audit.record(identity, `claim.${action}-refused`, 'claim', claimId, { reason: 'role' });
      throw ProblemException.forbidden(`role ${identity.role} may not ${action} claims`);
    }
    // claims-trigger writes the audit entry in the same transaction as the status change.
    return this.claimsTrigger.act(claimId, action, identity);
  }
}
