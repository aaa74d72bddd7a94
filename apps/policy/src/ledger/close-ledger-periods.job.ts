import type { Logger } from 'pino';
import { type DatabaseTx, LedgerRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { closablePeriods, type FigureEntry, japanDay, periodBounds, unearnedPremiumReservePostings } from '@kuruma/domain-ledger';
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
        const closed = await this.ledger.closedKeys(tx, 'day');
        const open = closablePeriods('day', first, now).filter((d) => !closed.has(d));
        if (open.length) await this.postUnearnedPremiumReserve(tx, open);
        const days = await this.ledger.close(tx, 'day', open, this.closedBy);
        const months = await this.ledger.close(tx, 'month', closablePeriods('month', first, now), this.closedBy);
        if (days.length || months.length) this.logger.info({ days, months }, 'ledger periods closed');
        return { days, months };
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'closing ledger periods failed; will retry');
      return null;
    }
  }

  /**
   * Before its day closes, each partner's unearned premium reserve is brought to what is unearned
   * at the day's end (docs/ledger.md, UPR): posted into that day, so immutable with it. Entries
   * are read under the close's SHARE lock, so none commits between the figure and the close. Days
   * on which no premium is written, earning or reduced cannot change the reserve and are skipped
   * (a gap of years before a far-past test entry costs nothing).
   */
  private async postUnearnedPremiumReserve(tx: DatabaseTx, days: readonly string[]): Promise<void> {
    await this.ledger.lockForClose(tx);
    const entries: FigureEntry[] = await this.ledger.entriesWithPlan(tx, periodBounds(days.at(-1) as string).end);
    const moving = daysPremiumMoves(entries);
    for (const day of days) {
      if (!moving.has(day)) continue;
      const postings = unearnedPremiumReservePostings(entries, day);
      await this.ledger.post(tx, postings);
      entries.push(...postings.map((e) => ({ ...e, plan: null })));
    }
  }
}

/** The Japan days on which some premium is written, reduced or earning (the reserve can change only then). */
function daysPremiumMoves(entries: readonly FigureEntry[]): Set<string> {
  const out = new Set<string>();
  const DAY = 86_400_000;
  for (const e of entries) {
    if (!e.policyId || e.claimId) continue;
    const from = Math.min(e.businessAt.getTime(), e.coverStart?.getTime() ?? Infinity);
    // Earning runs to the cover end; a year at most per entry (no cover is that long).
    const to = Math.min(Math.max(e.businessAt.getTime(), e.coverEnd?.getTime() ?? 0), from + 366 * DAY);
    for (let t = from; t <= to + DAY; t += DAY) out.add(japanDay(new Date(t)));
  }
  return out;
}
