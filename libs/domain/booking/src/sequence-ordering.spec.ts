import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { orderBookingEvents } from './sequence-ordering';

const now = new Date('2026-12-01T10:00:00+09:00');
const past = new Date('2026-12-01T09:59:00+09:00');
const future = new Date('2026-12-01T10:01:00+09:00');

describe(orderBookingEvents.name, () => {
  it('applies contiguous events in sequence order whatever the arrival order', () => {
    const sut = orderBookingEvents(0, [
      { ref: 'c', sequence: 3 },
      { ref: 'a', sequence: 1 },
      { ref: 'b', sequence: 2 },
    ], now);
    expect(sut.decisions.map((d) => [d.ref, d.outcome])).toEqual([
      ['a', 'accepted'],
      ['b', 'accepted'],
      ['c', 'accepted'],
    ]);
    expect(sut.lastSequence).toBe(3);
  });

  it('records events at or below the applied sequence as stale', () => {
    const sut = orderBookingEvents(2, [{ ref: 'old', sequence: 2 }, { ref: 'next', sequence: 3 }], now);
    expect(sut.decisions).toEqual([
      { ref: 'old', sequence: 2, outcome: 'stale' },
      { ref: 'next', sequence: 3, outcome: 'accepted' },
    ]);
  });

  it('holds an event ahead of a gap until the gap fills', () => {
    const held = orderBookingEvents(1, [{ ref: 'three', sequence: 3 }], now);
    expect(held.decisions).toEqual([{ ref: 'three', sequence: 3, outcome: 'held' }]);
    expect(held.lastSequence).toBe(1);

    const filled = orderBookingEvents(1, [{ ref: 'three', sequence: 3, holdUntil: future }, { ref: 'two', sequence: 2 }], now);
    expect(filled.decisions.map((d) => d.outcome)).toEqual(['accepted', 'accepted']);
    expect(filled.lastSequence).toBe(3);
  });

  it('releases a held event once its gap timeout has passed, then continues in order', () => {
    const sut = orderBookingEvents(1, [{ ref: 'four', sequence: 4 }, { ref: 'three', sequence: 3, holdUntil: past }], now);
    expect(sut.decisions).toEqual([
      { ref: 'three', sequence: 3, outcome: 'released-after-gap-timeout' },
      { ref: 'four', sequence: 4, outcome: 'accepted' },
    ]);
  });

  it('never applies the same sequence twice and never goes backwards (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ sequence: fc.integer({ min: 1, max: 12 }), timedOut: fc.boolean() }), { maxLength: 20 }),
        (last, events) => {
          const pending = events.map((e, i) => ({ ref: `e${i}`, sequence: e.sequence, holdUntil: e.timedOut ? past : undefined }));
          const sut = orderBookingEvents(last, pending, now);
          const applied = sut.decisions.filter((d) => d.outcome === 'accepted' || d.outcome === 'released-after-gap-timeout');
          const seqs = applied.map((d) => d.sequence);
          expect(new Set(seqs).size).toBe(seqs.length);
          expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
          expect(seqs.every((s) => s > last)).toBe(true);
          expect(sut.decisions).toHaveLength(pending.length);
          expect(sut.lastSequence).toBe(seqs.length ? seqs[seqs.length - 1] : last);
        },
      ),
    );
  });
});
