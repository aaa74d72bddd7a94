import type { Logger } from 'pino';
import { IntervalJob } from '@kuruma/service-kit';
import type { DeadLetterIndex } from './dead-letter-index';

const DAY_MS = 86_400_000;
/** Rows deleted per statement: a backlog is worked off in short transactions. */
const BATCH = 5_000;

/**
 * Enforces DEAD_LETTER_RETENTION_DAYS (docs/privacy.md, docs/operations.md): dead letters keep what
 * a sender sent byte for byte, personal data included, so they are not kept for ever. Safe on every
 * console instance at once: a row one deletes the other does not find.
 */
export class DeadLetterRetentionJob extends IntervalJob {
  constructor(
    private readonly index: DeadLetterIndex,
    private readonly retentionDays: number,
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    super(intervalMs);
  }

  async tick(now = new Date()): Promise<{ indexed: number; device: number }> {
    const before = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const total = { indexed: 0, device: 0 };
    try {
      for (;;) {
        const deleted = await this.index.purgeOlderThan(before, BATCH);
        total.indexed += deleted.indexed;
        total.device += deleted.device;
        if (deleted.indexed < BATCH && deleted.device < BATCH) break;
      }
      if (total.indexed || total.device) this.logger.info({ ...total, retentionDays: this.retentionDays }, 'dead letters past their retention deleted');
    } catch (error) {
      this.logger.warn({ err: error, ...total }, 'dead-letter retention failed; will retry');
    }
    return total;
  }
}
