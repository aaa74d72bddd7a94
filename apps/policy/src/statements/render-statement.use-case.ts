import type { StatementKind } from '@kuruma/contracts';
import { renderPartnerStatement, type SqlTransactional } from '@kuruma/data-access-db';
import type { RenderedStatement, StatementFormat } from '@kuruma/domain-ledger';

/** A partner's own statement or bordereau for a Japan day or month (docs/ledger.md). */
export class RenderStatementUseCase {
  constructor(private readonly db: SqlTransactional) {}

  execute(partnerId: string, period: string, kind: StatementKind, format: StatementFormat): Promise<RenderedStatement> {
    return renderPartnerStatement(this.db, partnerId, period, kind, format);
  }
}
