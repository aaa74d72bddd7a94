import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EarningEntry, policyPremiumAt } from './earned-premium';
import { isBalanced } from './journal-entry';
import { postPolicyEffect } from './posting-rules';

const MIN = 60_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const ctx = { partnerId: 'demo', policyId: 'p1', tariffVersion: 'v' };

type Step = { kind: 'extend'; afterMin: number; addMin: number; delta: number; late: boolean } | { kind: 'end'; afterMin: number; refundShare: number } | { kind: 'no-show'; afterMin: number; fee: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('extend' as const), afterMin: fc.integer({ min: 0, max: 600 }), addMin: fc.integer({ min: 1, max: 2000 }), delta: fc.integer({ min: 0, max: 20_000 }), late: fc.boolean() }),
  fc.record({ kind: fc.constant('end' as const), afterMin: fc.integer({ min: 0, max: 3000 }), refundShare: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('no-show' as const), afterMin: fc.integer({ min: 0, max: 600 }), fee: fc.integer({ min: 0, max: 2000 }) }),
);

/**
 * A policy's life as the aggregate makes it: bound, then extensions and late returns, then at most
 * one end (early, with a refund no larger than the premium still unearned, as the tariff's refunds
 * are) or no-show. Returns the entries in posting order and whether a no-show came after the start.
 */
function history(premium: number, leadMin: number, durationMin: number, steps: Step[]): { entries: EarningEntry[]; noShowAfterStart: boolean } {
  const start = T0 + leadMin * MIN;
  let end = start + durationMin * MIN;
  let now = T0;
  let premiumSoFar = premium;
  const entries: EarningEntry[] = postPolicyEffect({ ...ctx, sourceEventId: 'bind', businessAt: new Date(T0), kind: 'bound', premiumYen: premium, coverStart: new Date(start), coverEnd: new Date(end) });
  for (const [i, s] of steps.entries()) {
    now += s.afterMin * MIN;
    const businessAt = new Date(now);
    if (s.kind === 'extend') {
      const after = end + s.addMin * MIN;
      entries.push(...postPolicyEffect({ ...ctx, sourceEventId: `x${i}`, businessAt, kind: 'extended', lateReturn: s.late, premiumDeltaYen: s.delta, coverEndBefore: new Date(end), coverEndAfter: new Date(after) }));
      end = after;
      premiumSoFar += s.delta;
      continue;
    }
    if (s.kind === 'end') {
      const endedAt = Math.max(start, Math.min(now, end));
      const unearned = policyPremiumAt(entries, businessAt).unearnedYen;
      const refund = Math.floor(unearned * s.refundShare);
      entries.push(...postPolicyEffect({ ...ctx, sourceEventId: `e${i}`, businessAt, kind: 'refunded', refundYen: refund, coverEndBefore: new Date(end), coverEndAfter: new Date(endedAt) }));
      return { entries, noShowAfterStart: false };
    }
    entries.push(...postPolicyEffect({ ...ctx, sourceEventId: `n${i}`, businessAt, kind: 'no-show', premiumYen: premiumSoFar, refundYen: Math.max(0, premiumSoFar - s.fee), coverEndAfter: new Date(end) }));
    return { entries, noShowAfterStart: now > start };
  }
  return { entries, noShowAfterStart: false };
}

const lives = fc.record({
  premium: fc.integer({ min: 1, max: 100_000 }),
  leadMin: fc.integer({ min: 0, max: 3000 }),
  durationMin: fc.integer({ min: 15, max: 10_080 }),
  steps: fc.array(step, { maxLength: 6 }),
  samples: fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 2, maxLength: 30 }),
});

describe('premium ledger properties', () => {
  it('every entry balances, in integer yen', () => {
    fc.assert(
      fc.property(lives, ({ premium, leadMin, durationMin, steps }) => {
        for (const e of history(premium, leadMin, durationMin, steps).entries) expect(isBalanced(e)).toBe(true);
      }),
    );
  });

  it('earned premium is never negative, never exceeds net written premium, and never decreases over time', () => {
    fc.assert(
      fc.property(lives, ({ premium, leadMin, durationMin, steps, samples }) => {
        const { entries, noShowAfterStart } = history(premium, leadMin, durationMin, steps);
        let previous = 0;
        for (const m of [...samples].sort((a, b) => a - b)) {
          const p = policyPremiumAt(entries, new Date(T0 + m * MIN));
          expect(p.earnedYen).toBeGreaterThanOrEqual(0);
          expect(p.earnedYen).toBeLessThanOrEqual(p.netWrittenYen);
          expect(p.unearnedYen).toBe(p.netWrittenYen - p.earnedYen);
          // A no-show reported after the booked start takes back premium already earned (all of it).
          if (!noShowAfterStart) expect(p.earnedYen).toBeGreaterThanOrEqual(previous);
          previous = p.earnedYen;
        }
      }),
    );
  });

  it('everything kept is earned once cover is over, and a no-show keeps nothing as premium', () => {
    fc.assert(
      fc.property(lives, ({ premium, leadMin, durationMin, steps }) => {
        const { entries } = history(premium, leadMin, durationMin, steps);
        const p = policyPremiumAt(entries, new Date(T0 + 10 ** 6 * MIN));
        expect(p.unearnedYen).toBe(0);
        if (entries.some((e) => e.rule === 'no-show-fee')) expect(p.netWrittenYen).toBe(0);
      }),
    );
  });
});
