import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { type ClaimPaymentV1, claimPaymentV1Schema, type ClaimReserveChangeV1, claimReserveChangeV1Schema } from '@kuruma/contracts';
import { ClaimReads, LedgerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, CLAIM_HANDLERS, Roles } from '../auth/roles.decorator';
import { ClaimsTriggerClient } from './claims-trigger.client';

/** Most urgent first: injury-capable crashes, then theft, vandalism, minor crashes. */
const SEVERITY_ORDER = ['major', 'theft', 'vandalism', 'minor', 'security'];

@Controller('api/claims')
@UseGuards(OpsSessionGuard)
export class ClaimsQueueController {
  private readonly claims: ClaimReads;
  private readonly ledger = new LedgerRepository();

  constructor(
    @Inject(SqlDatabase) private readonly db: SqlDatabase,
    @Inject(ClaimsTriggerClient) private readonly claimsTrigger: ClaimsTriggerClient,
  ) {
    this.claims = new ClaimReads(db);
  }

  @Get()
  async queue(@Query('status') status = 'provisional') {
    const claims = await this.claims.list({ status }, 500);
    const items = claims.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.openedAt.getTime() - a.openedAt.getTime());
    return { items };
  }

  @Get(':claimId')
  async detail(@Param('claimId') claimId: string) {
    const claim = /^[0-9a-f-]{36}$/i.test(claimId) ? await this.claims.withSignals(claimId) : await this.claims.withSignalsByNumber(claimId);
    if (!claim) throw ProblemException.notFound(`claim ${claimId} not found`);
    const audit = await this.db.$queryRaw<unknown[]>`
      SELECT id::text, actor, role, action, target_type AS "targetType", target_id AS "targetId", details, at
        FROM audit_log WHERE target_type = 'claim' AND target_id = ${claim.id} ORDER BY at`;
    // The claim's money from the premium ledger: settled on close, paid since (docs/ledger.md).
    const { settledYen, paidYen } = await this.ledger.claimPayable(this.db, claim.id);
    return { ...claim, audit, money: { settledYen, paidYen, outstandingYen: settledYen - paidYen } };
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

  @Post(':claimId/close')
  @HttpCode(200)
  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'close claims', auditAction: 'claim.close-refused', targetType: 'claim', targetParam: 'claimId' })
  close(@OpsUser() identity: OpsIdentity, @Param('claimId') claimId: string) {
    return this.claimsTrigger.act(claimId, 'close', identity);
  }

  /** A new case reserve; validated here too, so a bad form never leaves the console. */
  @Post(':claimId/reserve')
  @HttpCode(200)
  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'change claim reserves', auditAction: 'claim.reserve-change-refused', targetType: 'claim', targetParam: 'claimId' })
  changeReserve(@OpsUser() identity: OpsIdentity, @Param('claimId') claimId: string, @Body(new ZodValidationPipe(claimReserveChangeV1Schema)) body: ClaimReserveChangeV1) {
    return this.claimsTrigger.act(claimId, 'reserve', identity, body);
  }

  @Post(':claimId/payments')
  @HttpCode(200)
  @Roles(...CLAIM_HANDLERS)
  @AuditRoleRefusal({ attempt: 'record claim payments', auditAction: 'claim.payment-refused', targetType: 'claim', targetParam: 'claimId' })
  recordPayment(@OpsUser() identity: OpsIdentity, @Param('claimId') claimId: string, @Body(new ZodValidationPipe(claimPaymentV1Schema)) body: ClaimPaymentV1) {
    return this.claimsTrigger.act(claimId, 'payments', identity, body);
  }

  /** Declared after the actions: any signed-in user learns an action does not exist (404), whatever the role. */
  @Post(':claimId/:action')
  unknownAction(@Param('action') action: string): never {
    throw ProblemException.notFound(`unknown action ${action}`);
  }
}
