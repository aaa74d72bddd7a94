import { Controller, Get, Headers, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { STATEMENT_KINDS, type StatementKind } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { periodKind, type StatementFormat } from '@kuruma/domain-ledger';
import { Partner, PartnerGuard, ProblemException } from '@kuruma/service-kit';
import { RenderStatementUseCase } from './render-statement.use-case';

const refuse = (field: string, message: string) => ProblemException.badRequest(`${field}: ${message}`, [{ field, message }]);

/**
 * A partner's statements and bordereaux per Japan day or month (docs/ledger.md), as JSON or CSV,
 * with the SHA-256 of the bytes. A partner reads only its own: naming another partner is refused.
 */
@Controller('v1/statements')
@UseGuards(PartnerGuard)
export class StatementsController {
  constructor(@Inject(RenderStatementUseCase) private readonly render: RenderStatementUseCase) {}

  @Get()
  async get(
    @Partner() partner: PartnerRecord,
    @Res({ passthrough: true }) reply: { header(name: string, value: string): unknown },
    @Query('period') period?: string,
    @Query('kind') kind?: string,
    @Query('format') format?: string,
    @Query('partnerId') partnerId?: string,
    @Headers('accept') accept?: string,
  ): Promise<Buffer> {
    if (partnerId !== undefined && partnerId !== partner.id) throw ProblemException.forbidden('a partner reads only its own statements');
    if (!period || !periodKind(period)) throw refuse('period', 'must be a Japan month YYYY-MM or day YYYY-MM-DD');
    const chosenKind = (kind ?? 'statement') as StatementKind;
    if (!STATEMENT_KINDS.includes(chosenKind)) throw refuse('kind', `must be one of ${STATEMENT_KINDS.join(', ')}`);
    if (format !== undefined && format !== 'json' && format !== 'csv') throw refuse('format', 'must be json or csv');
    const chosenFormat: StatementFormat = format ?? (accept?.includes('text/csv') ? 'csv' : 'json');
    const doc = await this.render.execute(partner.id, period, chosenKind, chosenFormat);
    reply.header('content-type', doc.contentType);
    reply.header('content-disposition', `attachment; filename="${doc.filename}"`);
    reply.header('etag', `"sha256-${doc.sha256}"`);
    reply.header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`);
    // An open period still changes; a closed one never does.
    reply.header('cache-control', doc.closed ? 'private, max-age=31536000, immutable' : 'private, no-cache');
    return doc.bytes;
  }
}
