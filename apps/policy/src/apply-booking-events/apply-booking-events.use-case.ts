import type { BookingPricedV1 } from '@kuruma/contracts';
import { type SqlTransactional, type EndorsementRow, pipelined, PolicyRepository, policyKey, type RejectionRow, type PolicyRow } from '@kuruma/data-access-db';
import { claimInboxKeys, enqueueOutbox, type OutboxEntry } from '@kuruma/data-access-messaging';
import type { JournalEntry } from '@kuruma/domain-ledger';
import { BusinessClock } from '@kuruma/service-kit';
import { applyLifecycleEffect } from './apply-lifecycle-effect';

export interface ApplyResult {
  applied: number;
  duplicates: number;
  rejected: number;
  bound: { bookingId: string; acceptedAt: string }[];
}

/**
 * One transaction per chunk: the inbox keys, every policy change, endorsement and rejection, the
 * policy events in the outbox and their premium ledger entries. A redelivered chunk finds its keys
 * in the inbox and does nothing.
 */
export class ApplyBookingEventsUseCase {
  private readonly repo = new PolicyRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly producer: string,
    private readonly topic: (base: string) => string,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {}

  /** `traces`: the trace headers each event's policy events are published with (its hop's span). */
  async execute(events: BookingPricedV1[], now = this.clock.now(), traces?: ReadonlyMap<BookingPricedV1, Record<string, string>>): Promise<ApplyResult> {
    if (events.length === 0) return { applied: 0, duplicates: 0, rejected: 0, bound: [] };
    return this.db.$transaction(
      async (tx) => {
        // The inbox claim and the lock of every booking in the chunk go out together (with BEGIN:
        // one round trip); Postgres takes the locks once the keys are claimed. A redelivered
        // event's booking is locked too, which only widens the chunk's lock.
        const [fresh, policies] = await pipelined([
          claimInboxKeys(tx, this.producer, events.map((e) => `${e.partnerId}:${e.event.id}`)),
          this.repo.lockByBookings(tx, events.map((e) => ({ partnerId: e.partnerId, bookingId: e.event.data.bookingId }))),
        ]);
        const seen = new Set<string>();
        const toApply = events.filter((e) => {
          const key = `${e.partnerId}:${e.event.id}`;
          if (!fresh.has(key) || seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const dirty = new Map<string, PolicyRow>();
        const endorsements: EndorsementRow[] = [];
        const rejections: RejectionRow[] = [];
        const outbox: OutboxEntry[] = [];
        const entries: JournalEntry[] = [];
        const bound: ApplyResult['bound'] = [];
        for (const priced of toApply) {
          const key = policyKey(priced.partnerId, priced.event.data.bookingId);
          const current = policies.get(key);
          const result = applyLifecycleEffect(current, priced, now, this.topic);
          if (result.policy === null) {
            rejections.push({
              partnerId: priced.partnerId,
              bookingId: priced.event.data.bookingId,
              eventId: priced.event.id,
              eventType: priced.event.type,
              fromState: current?.status ?? 'none',
              reason: result.rejection,
            });
            continue;
          }
          policies.set(key, result.policy);
          dirty.set(key, result.policy);
          endorsements.push(...result.endorsements);
          const trace = traces?.get(priced);
          if (trace) for (const e of result.events) e.headers = { ...e.headers, ...trace };
          outbox.push(...result.events);
          entries.push(...result.ledger);
          if (result.policy.status === 'bound' && current?.status !== 'bound') bound.push({ bookingId: priced.event.data.bookingId, acceptedAt: priced.acceptedAt });
        }
        // The chunk's writes need no answer from each other: one round trip for all four and the
        // COMMIT behind them, in this order (an endorsement refers to its policy).
        const writes = pipelined([
          this.repo.upsertAll(tx, [...dirty.values()]),
          this.repo.insertEndorsements(tx, endorsements),
          this.repo.insertRejections(tx, rejections),
          enqueueOutbox(tx, this.producer, outbox, { entries, businessNow: now }),
        ]);
        tx.$commitNow?.();
        await writes;
        return { applied: toApply.length - rejections.length, duplicates: events.length - toApply.length, rejected: rejections.length, bound };
      },
      // The inbox claim and the policy lock go by key over arrays: planned once, not on every chunk.
      { genericPlans: true },
    );
  }
}
