import type { PartnerRemittanceV1 } from '@kuruma/contracts';
import { LedgerRepository, type SqlTransactional, type SqlTx } from '@kuruma/data-access-db';
import { japanDay, postPartnerRemittance } from '@kuruma/domain-ledger';
import { ProblemException } from '@kuruma/service-kit';
import type { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';

export interface RemittanceResult {
  partnerId: string;
  reference: string;
  amountYen: number;
  /** false when this reference was already recorded with this amount (nothing posted again). */
  recorded: boolean;
  /** What the partner still owes after it: receivable (1100) less refunds payable (2100), yen. */
  balanceDueYen: number;
}

/**
 * An admin records money received from a partner: cash in, the partner's receivable down, once per
 * reference (the same reference again with the same amount posts nothing; with another amount it
 * is refused), audited with the entry in one transaction. A date in a closed day posts into the
 * open day as an adjustment, like any late entry.
 */
export class RecordPartnerRemittanceUseCase {
  private readonly ledger = new LedgerRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly audit: (tx: SqlTx) => AuditLog,
  ) {}

  async execute(who: OpsIdentity, partnerId: string, input: PartnerRemittanceV1, now = new Date()): Promise<RemittanceResult> {
    if (input.receivedOn > japanDay(now)) throw ProblemException.badRequest('receivedOn: the money cannot arrive after today (Japan time)', [{ field: 'receivedOn', message: 'after today in Japan' }]);
    const receivedAt = new Date(`${input.receivedOn}T00:00:00+09:00`);
    if (Number.isNaN(receivedAt.getTime()) || japanDay(receivedAt) !== input.receivedOn) throw ProblemException.badRequest('receivedOn: not a calendar date', [{ field: 'receivedOn', message: 'not a calendar date' }]);
    const [entry] = postPartnerRemittance({ partnerId, reference: input.reference, amountYen: input.amountYen, receivedAt });
    if (!entry) throw ProblemException.badRequest('amountYen: whole yen above 0', [{ field: 'amountYen', message: 'whole yen above 0' }]);
    return this.db.$transaction(async (tx) => {
      // One partner's remittances one at a time: the check for the reference and the post never interleave.
      const [partner] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner WHERE id = ${partnerId} FOR UPDATE`;
      if (!partner) throw ProblemException.notFound(`partner ${partnerId} not found`);
      const [before] = await tx.$queryRaw<{ amount: bigint | null }[]>`
        SELECT sum(l.debit_yen) AS amount FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
        WHERE e.source_event_id = ${entry.sourceEventId} AND e.rule = 'partner-remittance' AND l.account = '1000'`;
      const earlier = before?.amount === null || before?.amount === undefined ? null : Number(before.amount);
      if (earlier !== null && earlier !== input.amountYen) {
        throw new ProblemException({ type: 'https://kurumacover.dev/problems/conflict', title: 'Conflict', status: 409, detail: `remittance ${input.reference} was recorded with ${earlier} yen, not ${input.amountYen}` });
      }
      if (earlier === null) {
        await this.ledger.post(tx, [entry]);
        await this.audit(tx).record(who, 'finance.remittance-recorded', 'partner', partnerId, { ...input });
      }
      return { partnerId, reference: input.reference, amountYen: input.amountYen, recorded: earlier === null, balanceDueYen: await this.ledger.partnerBalanceDue(tx, partnerId) };
    });
  }
}
