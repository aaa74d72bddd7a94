import { describe, expect, it } from 'vitest';
import { premiumLedgerBreaches, type PremiumLedgerReport } from './premium-ledger';

const clean: PremiumLedgerReport = {
  entries: 10,
  unbalancedEntries: [],
  unbalancedPeriods: [],
  premiumMismatches: {},
  eventsWithoutEntries: [],
  doubled: [],
  uprBreaches: [],
  writtenPremiumYen: 5_000,
  policyPremiumYen: 5_000,
  differences: 0,
};

describe(premiumLedgerBreaches.name, () => {
  it('reports nothing for a clean ledger, so a chaos run with one passes', () => {
    expect(premiumLedgerBreaches(clean)).toEqual([]);
  });

  it('names each kind of breach with its count and a few examples', () => {
    const sut = premiumLedgerBreaches({
      ...clean,
      eventsWithoutEntries: ['e1', 'e2', 'e3', 'e4'],
      doubled: ['p1 premium-written x2'],
      uprBreaches: ['upr:demo:2026-11-02 posted as an adjustment of 2026-11-02'],
      premiumMismatches: { '2026-12': ['p2: ledger written 0, policy premium 300; ledger refunds 0, policy refunds 0'] },
      differences: 7,
    });
    expect(sut).toEqual([
      '1 policies whose ledger premium or refunds differ (p2: ledger written 0, policy premium 300; ledger refunds 0, policy refunds 0)',
      '4 money events without an entry, lost (e1, e2, e3, ...)',
      '1 money effects posted twice (p1 premium-written x2)',
      '1 unearned premium reserve postings against their rules (upr:demo:2026-11-02 posted as an adjustment of 2026-11-02)',
    ]);
  });
});
