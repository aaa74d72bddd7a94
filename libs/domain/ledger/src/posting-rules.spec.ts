import { describe, expect, it } from 'vitest';
import { isBalanced } from './journal-entry';
import { postClaimMovement, postPartnerRemittance, postPolicyEffect } from './posting-rules';

const at = new Date('2026-11-20T01:00:00Z');
const ctx = { sourceEventId: 'p1:policy.bound:demo:e1', partnerId: 'demo', policyId: 'p1', tariffVersion: 'standard@abc', businessAt: at };
const lineOf = (account: string, side: 'd' | 'c', yen: number) => ({ account, debitYen: side === 'd' ? yen : 0, creditYen: side === 'c' ? yen : 0 });

describe(postPolicyEffect.name, () => {
  it('writes bind premium to the partner receivable, earning over the booked cover', () => {
    const [sut] = postPolicyEffect({ ...ctx, kind: 'bound', premiumYen: 1200, coverStart: at, coverEnd: new Date('2026-11-20T05:00:00Z') });
    expect(sut.rule).toBe('premium-written');
    expect(sut.lines).toEqual([lineOf('1100', 'd', 1200), lineOf('4100', 'c', 1200)]);
    expect(sut.coverEnd?.toISOString()).toBe('2026-11-20T05:00:00.000Z');
    expect(isBalanced(sut)).toBe(true);
  });

  it('writes extension premium over the added minutes, naming a late return apart', () => {
    const before = new Date('2026-11-20T05:00:00Z');
    const after = new Date('2026-11-20T05:30:00Z');
    const [sut] = postPolicyEffect({ ...ctx, kind: 'extended', lateReturn: true, premiumDeltaYen: 150, coverEndBefore: before, coverEndAfter: after });
    expect(sut.rule).toBe('late-return-premium');
    expect([sut.coverStart, sut.coverEnd]).toEqual([before, after]);
    expect(sut.lines).toEqual([lineOf('1100', 'd', 150), lineOf('4100', 'c', 150)]);
  });

  it('owes return premium back to the partner and stops earning at the new end', () => {
    const [sut] = postPolicyEffect({ ...ctx, kind: 'refunded', refundYen: 400, coverEndBefore: new Date('2026-11-22T00:00:00Z'), coverEndAfter: at });
    expect(sut.rule).toBe('return-premium');
    expect(sut.reductionYen).toBe(400);
    expect(sut.lines).toEqual([lineOf('4110', 'd', 400), lineOf('2100', 'c', 400)]);
  });

  it('records an early end without refund as a cover change moving no money, and an ordinary end as nothing', () => {
    const [sut] = postPolicyEffect({ ...ctx, kind: 'refunded', refundYen: 0, coverEndBefore: new Date('2026-11-22T00:00:00Z'), coverEndAfter: at });
    expect(sut.rule).toBe('cover-shortened');
    expect(sut.lines).toEqual([]);
    expect(postPolicyEffect({ ...ctx, kind: 'refunded', refundYen: 0, coverEndBefore: at, coverEndAfter: at })).toEqual([]);
  });

  it('keeps the no-show fee as fee income and returns the rest', () => {
    const [sut] = postPolicyEffect({ ...ctx, kind: 'no-show', premiumYen: 1000, refundYen: 700, coverEndAfter: at });
    expect(sut.rule).toBe('no-show-fee');
    expect(sut.reductionYen).toBe(1000);
    expect(sut.lines).toEqual([lineOf('4110', 'd', 1000), lineOf('2100', 'c', 700), lineOf('4200', 'c', 300)]);
    expect(isBalanced(sut)).toBe(true);
  });

  it('posts nothing for an extension that costs nothing', () => {
    expect(postPolicyEffect({ ...ctx, kind: 'extended', lateReturn: false, premiumDeltaYen: 0, coverEndBefore: at, coverEndAfter: at })).toEqual([]);
  });
});

describe(postClaimMovement.name, () => {
  const claim = { sourceEventId: 'c1:claim.fnol-opened:d1:e1', partnerId: 'demo', policyId: 'p1', claimId: 'c1', reserveYen: 300_000, businessAt: at };

  it('books an opened reserve as an incurred loss, a withdrawal as its release and a close as claims payable', () => {
    expect(postClaimMovement({ ...claim, kind: 'opened' })[0]?.lines).toEqual([lineOf('5100', 'd', 300_000), lineOf('2300', 'c', 300_000)]);
    expect(postClaimMovement({ ...claim, kind: 'released' })[0]?.lines).toEqual([lineOf('2300', 'd', 300_000), lineOf('5100', 'c', 300_000)]);
    expect(postClaimMovement({ ...claim, kind: 'settled' })[0]?.lines).toEqual([lineOf('2300', 'd', 300_000), lineOf('2400', 'c', 300_000)]);
  });

  it('books a raised reserve as more incurred loss and a lowered one as less, a payment out of the bank', () => {
    expect(postClaimMovement({ ...claim, kind: 'adjusted', reserveYen: 150_000 })[0]).toMatchObject({ rule: 'claim-reserve-adjusted', lines: [lineOf('5100', 'd', 150_000), lineOf('2300', 'c', 150_000)] });
    expect(postClaimMovement({ ...claim, kind: 'adjusted', reserveYen: -180_000 })[0]?.lines).toEqual([lineOf('2300', 'd', 180_000), lineOf('5100', 'c', 180_000)]);
    expect(postClaimMovement({ ...claim, kind: 'paid', reserveYen: 120_000 })[0]).toMatchObject({ rule: 'claim-paid', lines: [lineOf('2400', 'd', 120_000), lineOf('1000', 'c', 120_000)] });
  });

  it('posts nothing for a zero change, nor for a negative amount of any other kind', () => {
    expect(postClaimMovement({ ...claim, kind: 'adjusted', reserveYen: 0 })).toEqual([]);
    for (const kind of ['opened', 'released', 'settled', 'paid'] as const) expect(postClaimMovement({ ...claim, kind, reserveYen: -1 })).toEqual([]);
  });
});

describe(postPartnerRemittance.name, () => {
  it('books money received as cash in and the receivable down, keyed by partner and reference', () => {
    const [sut] = postPartnerRemittance({ partnerId: 'demo', reference: 'BANK-1', amountYen: 80_000, receivedAt: new Date('2026-11-30T15:00:00Z') });
    expect(sut).toMatchObject({ sourceEventId: 'demo:remittance:BANK-1', rule: 'partner-remittance', policyId: null, claimId: null, lines: [lineOf('1000', 'd', 80_000), lineOf('1100', 'c', 80_000)] });
    expect(postPartnerRemittance({ partnerId: 'demo', reference: 'BANK-2', amountYen: 0, receivedAt: new Date() })).toEqual([]);
  });
});
