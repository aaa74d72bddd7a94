import { describe, expect, it } from 'vitest';
import { policyPremiumAt, premiumAt } from './earned-premium';
import { postPolicyEffect } from './posting-rules';

// Japan time 10:00 = 01:00Z.
const jst = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00+09:00`);
const ctx = { partnerId: 'demo', policyId: 'p1', tariffVersion: 'standard@abc' };
const bound = postPolicyEffect({ ...ctx, sourceEventId: 'b', businessAt: jst('09:00'), kind: 'bound', premiumYen: 1000, coverStart: jst('10:00'), coverEnd: jst('14:00') });
const extended = postPolicyEffect({ ...ctx, sourceEventId: 'x', businessAt: jst('13:00'), kind: 'extended', lateReturn: false, premiumDeltaYen: 300, coverEndBefore: jst('14:00'), coverEndAfter: jst('15:00') });
const earlyEnd = postPolicyEffect({ ...ctx, sourceEventId: 'e', businessAt: jst('14:40'), kind: 'refunded', refundYen: 100, coverEndBefore: jst('15:00'), coverEndAfter: jst('14:40') });

describe(policyPremiumAt.name, () => {
  it('earns bind premium pro rata by minute: 1,000 yen over 10:00-14:00 is 375 yen earned at 11:30', () => {
    // 90 of 240 minutes: 1000 x 90 / 240 = 375.
    expect(policyPremiumAt(bound, jst('11:30'))).toEqual({ writtenYen: 1000, returnedYen: 0, netWrittenYen: 1000, earnedYen: 375, unearnedYen: 625 });
    // 7 of 240 minutes: 29.17 rounds down to 29 (never earn a yen early).
    expect(policyPremiumAt(bound, jst('10:07')).earnedYen).toBe(29);
    expect(policyPremiumAt(bound, jst('09:30')).earnedYen).toBe(0);
  });

  it('earns extension premium over the added hour only: at 14:30, 1,000 + 300 x 30/60 = 1,150 earned, 150 unearned', () => {
    const sut = policyPremiumAt([...bound, ...extended], jst('14:30'));
    expect(sut).toEqual({ writtenYen: 1300, returnedYen: 0, netWrittenYen: 1300, earnedYen: 1150, unearnedYen: 150 });
    // Before the extension was written the ledger knew only the bind.
    expect(policyPremiumAt([...bound, ...extended], jst('12:00')).writtenYen).toBe(1000);
  });

  it('after an early end at 14:40 with 100 yen back, the rest (1,200) is all earned', () => {
    const entries = [...bound, ...extended, ...earlyEnd];
    // At 14:40: 1000 + 300 x 40/60 = 1,200 earned, 100 unearned, and the refund takes exactly that.
    expect(policyPremiumAt(entries, jst('14:40'))).toEqual({ writtenYen: 1300, returnedYen: 100, netWrittenYen: 1200, earnedYen: 1200, unearnedYen: 0 });
    expect(policyPremiumAt(entries, jst('23:00')).earnedYen).toBe(1200);
  });

  it('a cancellation before the start returns everything and earns nothing', () => {
    const cancelled = postPolicyEffect({ ...ctx, sourceEventId: 'c', businessAt: jst('09:30'), kind: 'refunded', refundYen: 1000, coverEndBefore: jst('14:00'), coverEndAfter: jst('14:00') });
    expect(policyPremiumAt([...bound, ...cancelled], jst('20:00'))).toEqual({ writtenYen: 1000, returnedYen: 1000, netWrittenYen: 0, earnedYen: 0, unearnedYen: 0 });
  });

  it('an early end without refund earns what is left by the new end', () => {
    const shortened = postPolicyEffect({ ...ctx, sourceEventId: 's', businessAt: jst('11:00'), kind: 'refunded', refundYen: 0, coverEndBefore: jst('14:00'), coverEndAfter: jst('11:00') });
    expect(policyPremiumAt([...bound, ...shortened], jst('11:00')).earnedYen).toBe(1000);
  });

  it('sums policies, leaving claim entries out', () => {
    const other = postPolicyEffect({ ...ctx, policyId: 'p2', sourceEventId: 'b2', businessAt: jst('09:00'), kind: 'bound', premiumYen: 480, coverStart: jst('10:00'), coverEnd: jst('12:00') });
    expect(premiumAt([...bound, ...other], jst('11:00')).earnedYen).toBe(250 + 240);
  });
});
