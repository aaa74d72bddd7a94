import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { type PartnerRemittanceV1, partnerRemittanceV1Schema, STATEMENT_KINDS, type StatementKind } from '@kuruma/contracts';
import { LedgerRepository, renderPartnerStatement, SqlDatabase } from '@kuruma/data-access-db';
import { dailyFigures, partnerPositions, periodKind, totalPosition } from '@kuruma/domain-ledger';
import { BusinessClock, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, Roles } from '../auth/roles.decorator';
import { RecordPartnerRemittanceUseCase } from './record-partner-remittance.use-case';

const refuse = (field: string, message: string) => ProblemException.badRequest(`${field}: ${message}`, [{ field, message }]);
const PARTNER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The console's finance page (docs/ledger.md): written, earned and unearned premium now per
 * partner, a 30-day chart of daily written and earned premium and incurred losses, the closed
 * periods, and each partner's statements and bordereaux, byte for byte what the partner gets.
 */
@Controller('api/finance')
@UseGuards(OpsSessionGuard)
export class FinanceController {
  private readonly ledger = new LedgerRepository();

  constructor(
    @Inject(SqlDatabase) private readonly db: SqlDatabase,
    @Inject(RecordPartnerRemittanceUseCase) private readonly remittances: RecordPartnerRemittanceUseCase,
    @Inject(BusinessClock) private readonly clock: BusinessClock,
  ) {}

  /** Money received from a partner against its statements (admins only, audited; docs/ledger.md). */
  @Post('partners/:partnerId/remittances')
  @HttpCode(200)
  @Roles('admin')
  @AuditRoleRefusal({ attempt: 'record partner remittances', auditAction: 'finance.remittance-refused', targetType: 'partner', targetParam: 'partnerId' })
  recordRemittance(@OpsUser() who: OpsIdentity, @Param('partnerId') partnerId: string, @Body(new ZodValidationPipe(partnerRemittanceV1Schema)) body: PartnerRemittanceV1) {
    if (!PARTNER_ID.test(partnerId)) throw refuse('partnerId', 'a partner id');
    return this.remittances.execute(who, partnerId, body);
  }

  @Get()
  async overview() {
    // Earned premium "now" is at the business instant (a simulated clock's in a simulated month).
    const now = this.clock.now();
    const [entries, months, days] = await Promise.all([this.ledger.entriesWithPlan(this.db, now), this.ledger.closedPeriods(this.db, 'month', 24), this.ledger.closedPeriods(this.db, 'day', 31)]);
    const partners = partnerPositions(entries, now);
    return {
      asOf: now.toISOString(),
      partners,
      total: totalPosition(partners),
      daily: dailyFigures(entries, now, 30),
      closedMonths: months.map((m) => m.key),
      closedDays: days.map((d) => d.key),
    };
  }

  @Get('statements')
  async statement(
    @Res({ passthrough: true }) reply: { header(name: string, value: string): unknown },
    @Query('partnerId') partnerId?: string,
    @Query('period') period?: string,
    @Query('kind') kind?: string,
    @Query('format') format?: string,
  ): Promise<string> {
    if (!partnerId || !PARTNER_ID.test(partnerId)) throw refuse('partnerId', 'a partner id');
    if (!period || !periodKind(period)) throw refuse('period', 'must be a Japan month YYYY-MM or day YYYY-MM-DD');
    const chosenKind = (kind ?? 'statement') as StatementKind;
    if (!STATEMENT_KINDS.includes(chosenKind)) throw refuse('kind', `must be one of ${STATEMENT_KINDS.join(', ')}`);
    if (format !== undefined && format !== 'json' && format !== 'csv') throw refuse('format', 'must be json or csv');
    const doc = await renderPartnerStatement(this.db, partnerId, period, chosenKind, format ?? 'csv');
    reply.header('content-type', doc.contentType);
    reply.header('content-disposition', `attachment; filename="${doc.filename}"`);
    reply.header('etag', `"sha256-${doc.sha256}"`);
    // Express would serialise a Buffer as JSON; the text is UTF-8 either way.
    return doc.bytes.toString('utf8');
  }
}
