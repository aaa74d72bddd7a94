import type { Logger } from 'pino';
import { type EndorsementRow, type PolicyRow, PolicyRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry } from '@kuruma/data-access-messaging';
import type { JournalEntry } from '@kuruma/domain-ledger';
import { BusinessClock } from '@kuruma/service-kit';
import { changesOf, policyOf } from '../apply-booking-events/apply-lifecycle-effect';

/**
 * A started booking with no `com.kurumacover.booking.ended` as its end approaches gets its cover extended in
 * steps up to the product maximum; the step that reaches it also publishes
 * `com.kurumacover.policy.cover-limit-reached`, at least the lead time before that cover ends, so the partner
 * can bring the car back before the driver is uninsured. Safe with several instances (SKIP
 * LOCKED) and idempotent (the endorsement's and the events' cause is the new end).
 */
export class ExtendLateReturnsJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly repo = new PolicyRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly producer: string,
    private readonly topic: (b: string) => string,
    private readonly leadMs: number,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async tick(now = this.clock.now()): Promise<number> {
    try {
      return await this.db.$transaction(async (tx) => {
        const due = await this.repo.lockDueForLateReturn(tx, new Date(now.getTime() + this.leadMs), 200);
        const policies: PolicyRow[] = [];
        const endorsements: EndorsementRow[] = [];
        const outbox: OutboxEntry[] = [];
        const entries: JournalEntry[] = [];
        for (const row of due) {
          // One policy that cannot be extended (its tariff version can no longer price: see the
          // chaos suite's stale-tariff case) must not hold every other late driver uninsured: it
          // is skipped, loudly, and tried again on the next tick.
          let changes: ReturnType<typeof changesOf>;
          try {
            const policy = policyOf(row);
            if (!policy.extendForLateReturn(now, this.leadMs)) continue;
            changes = changesOf(policy, now, this.topic);
          } catch (error) {
            this.logger.error({ err: error, policyId: row.id }, 'late-return extension cannot be priced; policy skipped');
            continue;
          }
          policies.push(changes.policy);
          endorsements.push(...changes.endorsements);
          outbox.push(...changes.events);
          entries.push(...changes.ledger);
        }
        await this.repo.upsertAll(tx, policies);
        await this.repo.insertEndorsements(tx, endorsements);
        await enqueueOutbox(tx, this.producer, outbox, { entries, businessNow: now });
        const extended = policies.length;
        if (extended) this.logger.info({ extended }, 'cover extended for late returns');
        return extended;
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'late-return extension failed; will retry');
      return 0;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
