import type { StatementKind } from '@kuruma/contracts';
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
import type { SqlTransactional } from '../sql/sql-database';
import { LedgerRepository } from './ledger.repository';

/**
 * A partner's statement or bordereau for a Japan day or month, from the entries posted into it
 * (the partner API and the ops console render the same bytes). Once the period is closed its
 * entries never change, so neither do the bytes (nor their SHA-256).
 */
export async function renderPartnerStatement(db: SqlTransactional, partnerId: string, period: string, kind: StatementKind, format: StatementFormat): Promise<RenderedStatement> {
  const ledger = new LedgerRepository();
  const periodType = periodKind(period);
  if (!periodType) throw new RangeError(`not a period: ${period}`);
  const { start, end } = periodBounds(period);
  const fromDay = japanDay(start);
  const toDay = japanDay(new Date(end.getTime() - 1));
  return db.$transaction(async (tx) => {
    const closed = (await ledger.isClosed(tx, periodType, period)) || (periodType === 'day' && (await ledger.isClosed(tx, 'month', period.slice(0, 7))));
    const { entries, claimHistory } = await ledger.statementEntries(tx, { partnerId, fromDay, toDay });
    const doc: StatementDocument =
      kind === 'statement'
        ? { kind, body: buildStatement(partnerId, period, closed, entries) }
        : kind === 'premium-bordereau'
          ? { kind, body: buildPremiumBordereau(partnerId, period, closed, entries) }
          : { kind, body: buildClaimsBordereau(partnerId, period, closed, entries, claimHistory) };
    return renderStatement(doc, format);
  });
}
