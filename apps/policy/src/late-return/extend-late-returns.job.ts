import { present } from '@kuruma/contracts';
import type { Logger } from 'pino';
import { type SqlTransactional, PolicyRepository } from '@kuruma/data-access-db';
import { enqueueOutbox } from '@kuruma/data-access-messaging';
import { lateReturnExtension } from '@kuruma/domain-policy';
import { lateReturnRule, priceExtension, type BoundCover } from '@kuruma/domain-rating';
import { policyEvent } from '../apply-booking-events/policy-events';

/**
 * A started booking with no `booking.ended` as its end approaches gets its cover extended in
 * steps (up to the product maximum), so a late driver is never uninsured. Safe with several
 * instances (SKIP LOCKED) and idempotent (the endorsement's cause is the new end).
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
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async tick(now = new Date()): Promise<number> {
    try {
      return await this.db.$transaction(async (tx) => {
        const due = await this.repo.lockDueForLateReturn(tx, new Date(now.getTime() + this.leadMs), 200);
        let extended = 0;
        for (const policy of due) {
          const rule = lateReturnRule(present(policy.tariffVersion, 'tariff version'));
          const newEnd = lateReturnExtension({ coverStart: present(policy.coverStart, 'cover start'), coverEnd: present(policy.coverEnd, 'cover end'), now, leadMs: this.leadMs, ...rule });
          if (!newEnd) continue;
          const cover: BoundCover = { request: policy.request as BoundCover['request'], tariffVersion: present(policy.tariffVersion, 'tariff version'), premium: policy.premiumYen };
          const { premiumDelta, newPremium } = priceExtension(cover, present(policy.coverEnd, 'cover end'), newEnd);
          const causeId = `late-return:${newEnd.toISOString()}`;
          const before = policy.coverEnd;
          const updated = { ...policy, coverEnd: newEnd, premiumYen: newPremium };
          await this.repo.upsertAll(tx, [updated]);
          await this.repo.insertEndorsements(tx, [
            { policyId: policy.id, kind: 'late-return', reason: 'late-return', premiumDeltaYen: premiumDelta, refundYen: 0, coverEndBefore: before, coverEndAfter: newEnd, causeId },
          ]);
          await enqueueOutbox(tx, this.producer, [policyEvent('policy.extended', updated, { causationId: causeId, premiumDelta, reason: 'late-return' }, now, this.topic)]);
          extended += 1;
        }
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
