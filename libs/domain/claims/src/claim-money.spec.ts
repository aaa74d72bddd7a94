import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimPayment, claimReserveChange, MAX_CLAIM_AMOUNT_YEN } from './claim-money';

describe(claimReserveChange.name, () => {
  it('changes an open claim\'s reserve by the difference, up or down', () => {
    expect(claimReserveChange('provisional', 300_000, 450_000)).toEqual({ kind: 'changed', fromYen: 300_000, toYen: 450_000, deltaYen: 150_000 });
    expect(claimReserveChange('confirmed', 300_000, 120_000)).toEqual({ kind: 'changed', fromYen: 300_000, toYen: 120_000, deltaYen: -180_000 });
    expect(claimReserveChange('confirmed', 300_000, 300_000)).toEqual({ kind: 'unchanged' });
  });

  it('refuses a withdrawn or closed claim, and amounts that are not whole yen in range', () => {
    expect(claimReserveChange('closed', 300_000, 1)).toMatchObject({ kind: 'refused', reason: 'the reserve of a closed claim is final' });
    expect(claimReserveChange('withdrawn', 300_000, 1)).toMatchObject({ kind: 'refused' });
    for (const bad of [-1, 0.5, MAX_CLAIM_AMOUNT_YEN + 1, Number.NaN, Number.POSITIVE_INFINITY]) expect(claimReserveChange('confirmed', 300_000, bad).kind).toBe('refused');
  });
});

describe(claimPayment.name, () => {
  it('pays a closed claim up to its settled reserve, in parts', () => {
    expect(claimPayment('closed', 300_000, 0, 200_000)).toEqual({ kind: 'payable', outstandingAfterYen: 100_000 });
    expect(claimPayment('closed', 300_000, 200_000, 100_000)).toEqual({ kind: 'payable', outstandingAfterYen: 0 });
    expect(claimPayment('closed', 300_000, 200_000, 100_001)).toEqual({ kind: 'refused', reason: '100001 yen is more than the 100000 yen still payable on this claim' });
  });

  it('refuses an open or withdrawn claim and amounts that are not whole positive yen', () => {
    expect(claimPayment('confirmed', 0, 0, 1)).toMatchObject({ kind: 'refused', reason: 'a confirmed claim has nothing payable yet: close it first' });
    expect(claimPayment('withdrawn', 0, 0, 1).kind).toBe('refused');
    for (const bad of [0, -5, 1.5, MAX_CLAIM_AMOUNT_YEN + 1]) expect(claimPayment('closed', 300_000, 0, bad).kind).toBe('refused');
  });

  it('never lets payments add up to more than the settled reserve, whatever is asked (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.array(fc.integer({ min: -10, max: 3_000_000 }), { maxLength: 20 }), (settled, asks) => {
        let paid = 0;
        for (const ask of asks) if (claimPayment('closed', settled, paid, ask).kind === 'payable') paid += ask;
        expect(paid).toBeLessThanOrEqual(settled);
      }),
    );
  });
});
