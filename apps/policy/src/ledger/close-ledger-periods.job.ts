import type { Logger } from 'pino';
import { LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { closablePeriods } from '@kuruma/domain-ledger';
import { BusinessClock, IntervalJob } from '@kuruma/service-kit';

/** The advisory lock that makes one instance at a time close periods (the others skip the tick). */
const CLOSE_LOCK = 'ledger-period-close';

/**
 * Closes the premium ledger's Japan days and months once they are over (at Japan midnight):
 * every day from the ledger's first business day up to yesterday that is not closed yet, and
 * every month likewise (a gap left by a failed tick is closed by the next). A closed period never changes: the database posts an entry that arrives for it
 * into the open day as an adjustment naming the original. Safe with several instances: the
 * tick's transaction takes an advisory lock or skips.
 */
export class CloseLedgerPeriodsJob extends IntervalJob {
  private readonly ledger = new LedgerRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly closedBy: string,
    intervalMs: number,
    private readonly logger: Logger,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {
    super(intervalMs);
  }

  /** Closes what is over at `now` (business time); null when another instance holds the close. */
  async tick(now = this.clock.now()): Promise<{ days: string[]; months: string[] } | null> {
    try {
      return await this.db.$transaction(async (tx) => {
        const [lock] = await tx.$queryRaw<{ got: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${CLOSE_LOCK})) AS got`;
        if (!lock?.got) return null;
        const first = await this.ledger.firstBusinessAt(tx);
        if (!first) return { days: [], months: [] };
        // Every period from the ledger's first that is over; those already closed are left as they are.
        const days = await this.ledger.close(tx, 'day', closablePeriods('day', first, now), this.closedBy);
        const months = await this.ledger.close(tx, 'month', closablePeriods('month', first, now), this.closedBy);
        if (days.length || months.length) this.logger.info({ days, months }, 'ledger periods closed');
        return { days, months };
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'closing ledger periods failed; will retry');
      return null;
    }
  }
}
