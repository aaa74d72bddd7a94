import type { StatementKind } from '@kuruma/contracts';
import { LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import {
  buildClaimsBordereau,
  buildPremiumBordereau,
  buildStatement,
  japanDay,
  periodBounds,
  periodKind,
  type RenderedStatement,
  renderStatement,
  type StatementDocument,
  type StatementFormat,
} from '@kuruma/domain-ledger';

/**
 * A partner's statement or bordereau for a Japan day or month, from the entries posted into it.
 * Once the period is closed its entries never change, so neither do the bytes (nor their SHA-256).
 */
export class RenderStatementUseCase {
  private readonly ledger = new LedgerRepository();

  constructor(private readonly db: SqlTransactional) {}

  async execute(partnerId: string, period: string, kind: StatementKind, format: StatementFormat): Promise<RenderedStatement> {
    const periodType = periodKind(period);
    if (!periodType) throw new RangeError(`not a period: ${period}`);
    const { start, end } = periodBounds(period);
    const fromDay = japanDay(start);
    const toDay = japanDay(new Date(end.getTime() - 1));
    return this.db.$transaction(async (tx) => {
      const closed = (await this.ledger.isClosed(tx, periodType, period)) || (periodType === 'day' && (await this.ledger.isClosed(tx, 'month', period.slice(0, 7))));
      const { entries, claimHistory } = await this.ledger.statementEntries(tx, { partnerId, fromDay, toDay });
      const doc: StatementDocument =
        kind === 'statement'
          ? { kind, body: buildStatement(partnerId, period, closed, entries) }
          : kind === 'premium-bordereau'
            ? { kind, body: buildPremiumBordereau(partnerId, period, closed, entries) }
            : { kind, body: buildClaimsBordereau(partnerId, period, closed, entries, claimHistory) };
      return renderStatement(doc, format);
    });
  }
}
