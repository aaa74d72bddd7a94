import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClaimAction, claimStatusChange } from './claim-status';

describe(claimStatusChange.name, () => {
  it.each<[string, ClaimAction, ReturnType<typeof claimStatusChange>]>([
    ['provisional', 'confirm', { kind: 'changed', to: 'confirmed', event: 'com.kurumacover.claim.confirmed' }],
    ['provisional', 'withdraw', { kind: 'changed', to: 'withdrawn', event: 'com.kurumacover.claim.withdrawn' }],
    ['confirmed', 'close', { kind: 'changed', to: 'closed' }],
    ['confirmed', 'confirm', { kind: 'unchanged' }],
    ['withdrawn', 'withdraw', { kind: 'unchanged' }],
    ['closed', 'close', { kind: 'unchanged' }],
    ['confirmed', 'withdraw', { kind: 'refused' }],
    ['provisional', 'close', { kind: 'refused' }],
    ['withdrawn', 'confirm', { kind: 'refused' }],
    ['closed', 'confirm', { kind: 'refused' }],
  ])('%s + %s', (status, action, expected) => {
    expect(claimStatusChange(status, action)).toEqual(expected);
  });

  it('never reopens a withdrawn or closed claim, whatever is asked (property)', () => {
    const actions: ClaimAction[] = ['confirm', 'withdraw', 'close'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...actions), { maxLength: 10 }), (sequence) => {
        let status = 'provisional';
        let final: string | null = null;
        for (const action of sequence) {
          const sut = claimStatusChange(status, action);
          if (sut.kind === 'changed') status = sut.to;
          if (final) expect(status).toBe(final);
          if (status === 'withdrawn' || status === 'closed') final = status;
        }
      }),
    );
  });
});
