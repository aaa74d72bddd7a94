import { present } from '@kuruma/contracts';
/**
 * Per-booking ordering of partner events by `sequence`. Pure: given what was applied and what is
 * waiting, it says what to apply now, what is stale and what must wait for a gap to fill.
 */
export interface PendingBookingEvent {
  /** Stable id of the stored event (used to report outcomes). */
  ref: string;
  sequence: number;
  /** When a held event stops waiting; undefined for events not yet held. */
  holdUntil?: Date;
}

export type OrderingOutcome = 'accepted' | 'stale' | 'held' | 'released-after-gap-timeout';

export interface OrderingDecision {
  ref: string;
  sequence: number;
  outcome: OrderingOutcome;
}

export interface OrderingResult {
  /** In the order they must be applied. */
  decisions: OrderingDecision[];
  /** Highest sequence applied after this decision (unchanged when nothing applied). */
  lastSequence: number;
}

/**
 * @param lastSequence highest sequence already applied, 0 for a booking never seen.
 * @param pending events not yet applied: new arrivals and previously held ones.
 * @param now the decision time; held events whose holdUntil has passed are released in order.
 */
export function orderBookingEvents(lastSequence: number, pending: PendingBookingEvent[], now: Date): OrderingResult {
  const sorted = [...pending].sort((a, b) => a.sequence - b.sequence || a.ref.localeCompare(b.ref));
  const decisions: OrderingDecision[] = [];
  let last = lastSequence;
  const waiting: PendingBookingEvent[] = [];
  for (const event of sorted) {
    if (event.sequence <= last) {
      decisions.push({ ref: event.ref, sequence: event.sequence, outcome: 'stale' });
    } else {
      waiting.push(event);
    }
  }
  // Apply what is contiguous; when the head of the queue timed out, skip the gap (deterministically:
  // ascending sequence) and carry on, so one lost partner event cannot stall a booking forever.
  let progressed = true;
  while (progressed && waiting.length) {
    progressed = false;
    const head = waiting[0];
    if (head.sequence === last + 1) {
      decisions.push({ ref: head.ref, sequence: head.sequence, outcome: 'accepted' });
      last = head.sequence;
      waiting.shift();
      progressed = true;
    } else if (head.holdUntil && head.holdUntil.getTime() <= now.getTime()) {
      decisions.push({ ref: head.ref, sequence: head.sequence, outcome: 'released-after-gap-timeout' });
      last = head.sequence;
      waiting.shift();
      progressed = true;
    }
    // Duplicated sequences (same number, different event id) after the head are stale now.
    while (waiting.length && waiting[0].sequence <= last) {
      const dup = present(waiting.shift(), 'waiting event');
      decisions.push({ ref: dup.ref, sequence: dup.sequence, outcome: 'stale' });
    }
  }
  for (const event of waiting) decisions.push({ ref: event.ref, sequence: event.sequence, outcome: 'held' });
  return { decisions, lastSequence: last };
}
