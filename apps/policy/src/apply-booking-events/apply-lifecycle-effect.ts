import { randomUUID } from 'node:crypto';
import type { BookingPricedV1 } from '@kuruma/contracts';
import type { EndorsementRow, PolicyRow } from '@kuruma/data-access-db';
import type { OutboxEntry } from '@kuruma/data-access-messaging';
import { Policy, type PolicyStatus } from '@kuruma/domain-policy';
import type { JournalEntry } from '@kuruma/domain-ledger';
import { boundTariff } from './bound-tariff';
import { ledgerEntriesOf } from './ledger-entries';
import { policyEvent } from './policy-events';

/** What one transition wrote: the policy's new row, its endorsements and its events for the outbox. */
export interface PolicyChanges {
  policy: PolicyRow;
  endorsements: EndorsementRow[];
  events: OutboxEntry[];
  /** The premium ledger's entries for the events (docs/ledger.md). */
  ledger: JournalEntry[];
}

export type EffectOutput = PolicyChanges | { policy: null; endorsements: []; events: []; ledger: []; rejection: string };

/** A stored policy as the aggregate, priced under its bound tariff. */
export const policyOf = (row: PolicyRow): Policy => Policy.restore({ ...row, status: row.status as PolicyStatus }, boundTariff);

/**
 * What a policy changed and recorded, as the rows, outbox entries and ledger entries that store
 * and publish it. `businessAt`: when the change happened (the booking event's time), which dates
 * its ledger entries.
 */
export function changesOf(policy: Policy, now: Date, topic: (b: string) => string, businessAt = now): PolicyChanges {
  const row = policy.snapshot();
  const output = {
    policy: row,
    endorsements: policy.uncommittedEndorsements().map((e) => ({ policyId: row.id, ...e })),
    events: policy.uncommittedEvents().map((e) => policyEvent(e, now, topic)),
    ledger: ledgerEntriesOf(policy.uncommittedEvents(), businessAt),
  };
  policy.commit();
  return output;
}

/**
 * Applies one priced booking event to the booking's policy: the aggregate decides the
 * transition and its amounts; the answer is the rows and events to write, or the rejection.
 */
export function applyLifecycleEffect(existing: PolicyRow | undefined, priced: BookingPricedV1, now: Date, topic: (b: string) => string): EffectOutput {
  const { event, partnerId } = priced;
  const policy = existing ? policyOf(existing) : Policy.forBooking(randomUUID(), partnerId, event.data, boundTariff);
  const at = new Date(event.time ?? priced.acceptedAt);
  const outcome = policy.applyBookingEvent({ type: event.type, causationId: `${partnerId}:${event.id}`, sequence: event.data.sequence, at, booking: event.data, quote: priced.quote }, now);
  if (!outcome.accepted) return { policy: null, endorsements: [], events: [], ledger: [], rejection: outcome.reason };
  return changesOf(policy, now, topic, at);
}
