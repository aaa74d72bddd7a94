/**
 * What a booking event does to the policy that follows the booking. Pure: the caller supplies the
 * state, the event and the clock; the answer is an effect to apply or a rejection with a reason.
 */
export type PolicyState = 'none' | 'quoted' | 'declined' | 'bound' | 'active' | 'ended' | 'cancelled';

export type BookingEventKind =
  | 'booking.created'
  | 'booking.confirmed'
  | 'booking.started'
  | 'booking.extended'
  | 'booking.ended'
  | 'booking.cancelled'
  | 'booking.no-show';

export interface LifecycleInput {
  state: PolicyState;
  type: BookingEventKind;
  /** The engine's verdict for bookable events. */
  quote?: 'quoted' | 'declined';
  /** Current cover window (bound policies). */
  coverStart?: Date;
  coverEnd?: Date;
  /** booking.extended: the new end. */
  newEndsAt?: Date;
  /** booking.ended: the actual return. */
  endedAt?: Date;
  /** When the event happened (cancellation time). */
  at: Date;
}

export type LifecycleEffect =
  | { kind: 'record-quote' }
  | { kind: 'decline'; publish: boolean }
  | { kind: 'bind' }
  | { kind: 'activate' }
  | { kind: 'extend'; newEnd: Date }
  | { kind: 'end'; endedAt: Date; early: boolean; late: boolean }
  | { kind: 'cancel-before-start' }
  | { kind: 'cancel-after-start'; endedAt: Date }
  | { kind: 'no-show' }
  | { kind: 'withdraw-quote' }
  | { kind: 'reject'; reason: string };

const reject = (reason: string): LifecycleEffect => ({ kind: 'reject', reason });

export function decideLifecycle(input: LifecycleInput): LifecycleEffect {
  const { state, type } = input;
  switch (type) {
    case 'booking.created':
      if (state !== 'none') return reject(`booking already created (policy is ${state})`);
      if (!input.quote) return reject('no quote for a bookable event');
      return input.quote === 'quoted' ? { kind: 'record-quote' } : { kind: 'decline', publish: true };
    case 'booking.confirmed':
      if (state !== 'none' && state !== 'quoted' && state !== 'declined') return reject(`cannot confirm: policy is already ${state}`);
      if (!input.quote) return reject('no quote for a bookable event');
      if (input.quote === 'quoted') return { kind: 'bind' };
      // Declined again: publish only if the partner has not been told yet.
      return { kind: 'decline', publish: state !== 'declined' };
    case 'booking.started':
      if (state !== 'bound') return reject(`cannot start: policy is ${state}`);
      return { kind: 'activate' };
    case 'booking.extended': {
      if (state !== 'bound' && state !== 'active') return reject(`cannot extend: policy is ${state}`);
      if (!input.newEndsAt || !input.coverEnd) return reject('extension without a new end');
      if (input.newEndsAt.getTime() <= input.coverEnd.getTime()) return reject('the new end is not later than the current cover end');
      return { kind: 'extend', newEnd: input.newEndsAt };
    }
    case 'booking.ended': {
      // A partner that never sent booking.started still ended a trip: ending implies it started.
      if (state !== 'active' && state !== 'bound') return reject(`cannot end: policy is ${state}`);
      if (!input.endedAt || !input.coverEnd || !input.coverStart) return reject('end without a return time');
      if (input.endedAt.getTime() < input.coverStart.getTime()) return reject('return time is before the start of cover');
      return {
        kind: 'end',
        endedAt: input.endedAt,
        early: input.endedAt.getTime() < input.coverEnd.getTime(),
        late: input.endedAt.getTime() > input.coverEnd.getTime(),
      };
    }
    case 'booking.cancelled':
      if (state === 'quoted' || state === 'declined') return { kind: 'withdraw-quote' };
      if (state === 'bound' && input.coverStart && input.at.getTime() < input.coverStart.getTime()) return { kind: 'cancel-before-start' };
      if (state === 'bound' || state === 'active') return { kind: 'cancel-after-start', endedAt: input.at };
      return reject(`cannot cancel: policy is ${state}`);
    case 'booking.no-show':
      if (state !== 'bound') return reject(`no-show only applies to bound cover; policy is ${state}`);
      return { kind: 'no-show' };
    default:
      return reject(`unknown event type ${String(type)}`);
  }
}

/** Status after an effect (reject leaves the state unchanged). */
export function stateAfter(state: PolicyState, effect: LifecycleEffect): PolicyState {
  switch (effect.kind) {
    case 'record-quote':
      return 'quoted';
    case 'decline':
      return 'declined';
    case 'bind':
      return 'bound';
    case 'activate':
      return 'active';
    case 'extend':
      return state;
    case 'end':
    case 'cancel-after-start':
      return 'ended';
    case 'cancel-before-start':
    case 'no-show':
    case 'withdraw-quote':
      return 'cancelled';
    case 'reject':
      return state;
  }
}

/**
 * Late return: how far to extend cover of a started booking whose end is near or past, in steps,
 * never beyond the product maximum from the start. Null when no extension is due.
 */
export function lateReturnExtension(input: {
  coverStart: Date;
  coverEnd: Date;
  now: Date;
  leadMs: number;
  stepMinutes: number;
  maximumMinutes: number;
}): Date | null {
  const max = input.coverStart.getTime() + input.maximumMinutes * 60_000;
  if (input.coverEnd.getTime() >= max) return null;
  if (input.coverEnd.getTime() - input.now.getTime() > input.leadMs) return null;
  let end = input.coverEnd.getTime();
  // Catch up in one go if the scheduler was down: always at least lead time ahead of now.
  while (end - input.now.getTime() <= input.leadMs && end < max) end += input.stepMinutes * 60_000;
  return new Date(Math.min(end, max));
}
