import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookingEventKind, decideLifecycle, lateReturnExtension, type PolicyState, stateAfter } from './policy-lifecycle';
import { policyNumber } from './policy-number';

const at = new Date('2026-12-01T10:00:00+09:00');
const start = new Date('2026-12-01T12:00:00+09:00');
const end = new Date('2026-12-01T16:00:00+09:00');

describe(decideLifecycle.name, () => {
  it('binds on confirmation with a quote and declines without one', () => {
    expect(decideLifecycle({ state: 'quoted', type: 'booking.confirmed', quote: 'quoted', at })).toEqual({ kind: 'bind' });
    expect(decideLifecycle({ state: 'none', type: 'booking.confirmed', quote: 'declined', at })).toEqual({ kind: 'decline', publish: true });
    expect(decideLifecycle({ state: 'declined', type: 'booking.confirmed', quote: 'declined', at })).toEqual({ kind: 'decline', publish: false });
  });

  it('refunds in full when cancelled before the start and ends cover when cancelled after', () => {
    expect(decideLifecycle({ state: 'bound', type: 'booking.cancelled', coverStart: start, coverEnd: end, at })).toEqual({ kind: 'cancel-before-start' });
    const after = new Date('2026-12-01T13:00:00+09:00');
    expect(decideLifecycle({ state: 'active', type: 'booking.cancelled', coverStart: start, coverEnd: end, at: after })).toEqual({ kind: 'cancel-after-start', endedAt: after });
  });

  it('recognises early and late returns', () => {
    const early = decideLifecycle({ state: 'active', type: 'booking.ended', coverStart: start, coverEnd: end, endedAt: new Date('2026-12-01T14:00:00+09:00'), at });
    expect(early).toMatchObject({ kind: 'end', early: true, late: false });
    const late = decideLifecycle({ state: 'active', type: 'booking.ended', coverStart: start, coverEnd: end, endedAt: new Date('2026-12-01T17:00:00+09:00'), at });
    expect(late).toMatchObject({ kind: 'end', early: false, late: true });
  });

  it('rejects impossible transitions with a reason and leaves the state alone', () => {
    const cases: [PolicyState, BookingEventKind][] = [
      ['none', 'booking.started'],
      ['ended', 'booking.extended'],
      ['cancelled', 'booking.started'],
      ['active', 'booking.no-show'],
      ['ended', 'booking.confirmed'],
    ];
    for (const [state, type] of cases) {
      const sut = decideLifecycle({ state, type, coverStart: start, coverEnd: end, newEndsAt: new Date(end.getTime() + 3_600_000), endedAt: end, at, quote: 'quoted' });
      expect(sut.kind).toBe('reject');
      expect(stateAfter(state, sut)).toBe(state);
    }
  });

  it('never leaves a terminal state, whatever events follow (property)', () => {
    const types: BookingEventKind[] = ['booking.created', 'booking.confirmed', 'booking.started', 'booking.extended', 'booking.ended', 'booking.cancelled', 'booking.no-show'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...types), { maxLength: 12 }), fc.constantFrom<'quoted' | 'declined'>('quoted', 'declined'), (sequence, quote) => {
        let state: PolicyState = 'none';
        let terminal: PolicyState | null = null;
        for (const type of sequence) {
          const effect = decideLifecycle({ state, type, quote, coverStart: start, coverEnd: end, newEndsAt: new Date(end.getTime() + 3_600_000), endedAt: end, at });
          state = stateAfter(state, effect);
          if (terminal) expect(state).toBe(terminal);
          if (state === 'ended' || state === 'cancelled') terminal = state;
        }
      }),
    );
  });
});

describe(lateReturnExtension.name, () => {
  const base = { coverStart: start, coverEnd: end, leadMs: 60_000, stepMinutes: 30, maximumMinutes: 7 * 24 * 60 };

  it('extends a started booking in steps as its end approaches, not before', () => {
    expect(lateReturnExtension({ ...base, now: new Date(end.getTime() - 10 * 60_000) })).toBeNull();
    expect(lateReturnExtension({ ...base, now: new Date(end.getTime() - 30_000) })).toEqual(new Date(end.getTime() + 30 * 60_000));
  });

  it('catches up after downtime but never beyond the product maximum', () => {
    const now = new Date(end.getTime() + 95 * 60_000);
    expect(lateReturnExtension({ ...base, now })).toEqual(new Date(end.getTime() + 120 * 60_000));
    const max = new Date(start.getTime() + base.maximumMinutes * 60_000);
    expect(lateReturnExtension({ ...base, coverEnd: new Date(max.getTime() - 60_000), now: max })).toEqual(max);
    expect(lateReturnExtension({ ...base, coverEnd: max, now: max })).toBeNull();
  });
});

describe(policyNumber.name, () => {
  it('is stable for a policy and shows the Japan bind date', () => {
    const sut = policyNumber('0190f0a0-0000-7000-8000-000000000001', new Date('2026-11-30T16:30:00Z'));
    expect(sut).toMatch(/^KC-20261201-[0-9A-Z]{8}$/);
    expect(policyNumber('0190f0a0-0000-7000-8000-000000000001', new Date('2026-11-30T16:30:00Z'))).toBe(sut);
  });
});
