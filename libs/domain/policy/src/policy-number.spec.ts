import { describe, expect, it } from 'vitest';
import { policyNumber } from './policy-number';

describe(policyNumber.name, () => {
  it('is stable for a policy and shows the Japan bind date', () => {
    const sut = policyNumber('0190f0a0-0000-7000-8000-000000000001', new Date('2026-11-30T16:30:00Z'));
    expect(sut).toMatch(/^KC-20261201-[0-9A-Z]{8}$/);
    expect(policyNumber('0190f0a0-0000-7000-8000-000000000001', new Date('2026-11-30T16:30:00Z'))).toBe(sut);
  });
});
