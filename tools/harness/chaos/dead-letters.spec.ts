import { describe, expect, it } from 'vitest';
import { deadLetterVerdict } from './dead-letters';
import type { Outcome } from './ledger';

const letter = (key: string, offset: number, reason = 'schema') => ({
  key,
  headers: { 'x-dlq-original-partition': '0', 'x-dlq-original-offset': String(offset), ...(reason ? { 'x-dlq-reason': reason } : {}) },
});
const verdict = (letters: ReturnType<typeof letter>[], poison: [string, Outcome][]) => {
  const violations: string[] = [];
  return { ...deadLetterVerdict({ letters, poison: new Map(poison), reasonHeader: 'x-dlq-reason', violations }), violations };
};

describe(deadLetterVerdict.name, () => {
  it('counts a poison record the harness producer wrote twice (two offsets, one key) as one, reporting the copy', () => {
    // b2's send was retried around a broker kill: two records, each dead-lettered; b1's dead letter was redelivered.
    const sut = verdict([letter('b1-poison', 10), letter('b1-poison', 10), letter('b2-poison', 20), letter('b2-poison', 21)], [['b1-poison', 'ok'], ['b2-poison', 'ok']]);
    expect(sut).toEqual({ injected: 2, indeterminate: 0, found: 2, withReason: 2, harnessDuplicates: 1, violations: [] });
  });

  it('reports an acknowledged poison record without a dead letter, but not a timed-out one', () => {
    const sut = verdict([letter('b1-poison', 10)], [['b1-poison', 'ok'], ['b2-poison', 'ok'], ['b3-poison', 'indeterminate']]);
    expect(sut).toMatchObject({ injected: 2, indeterminate: 1, found: 1, harnessDuplicates: 0 });
    expect(sut.violations).toEqual(['poison record b2-poison: acknowledged, no dead letter']);
  });

  it('reports a dead letter of a record that was not poison, and one without a reason', () => {
    const sut = verdict([letter('b1', 5), letter('b2-poison', 20, '')], [['b2-poison', 'ok']]);
    expect(sut).toMatchObject({ found: 1, withReason: 0 });
    expect(sut.violations).toEqual(['dead letter b1 (source 0:5): not a record the harness sent as poison', 'dead letter b2-poison: 1 without a reason']);
  });
});
