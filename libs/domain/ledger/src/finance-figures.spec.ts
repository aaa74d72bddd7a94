import { describe, expect, it } from 'vitest';
import { dailyFigures, type FigureEntry, lossRatioByPlan, partnerPositions } from './finance-figures';
import { postClaimMovement, postPolicyEffect } from './posting-rules';

const jst = (s: string) => new Date(`${s}+09:00`);
const bound = (partnerId: string, policyId: string, premiumYen: number, from: string, to: string, plan = 'standard'): FigureEntry[] =>
  postPolicyEffect({ sourceEventId: `${policyId}:b`, partnerId, policyId, tariffVersion: 'v', businessAt: jst(from), kind: 'bound', premiumYen, coverStart: jst(from), coverEnd: jst(to) }).map((e) => ({ ...e, plan }));
const entries: FigureEntry[] = [
  ...bound('demo', 'p1', 2400, '2026-11-20T00:00:00', '2026-11-22T00:00:00'),
  ...bound('rival', 'p2', 1000, '2026-11-21T00:00:00', '2026-11-21T10:00:00', 'full'),
  ...postClaimMovement({ sourceEventId: 'c1:o', kind: 'opened', partnerId: 'demo', policyId: 'p1', claimId: 'c1', reserveYen: 600, businessAt: jst('2026-11-21T12:00:00') }).map((e) => ({ ...e, plan: 'standard' })),
];

describe('finance figures', () => {
  it('gives each partner written, earned and unearned premium now, and its incurred losses', () => {
    expect(partnerPositions(entries, jst('2026-11-21T00:00:00'))).toEqual([
      { partnerId: 'demo', writtenYen: 2400, returnedYen: 0, netWrittenYen: 2400, earnedYen: 1200, unearnedYen: 1200, incurredYen: 0 },
      { partnerId: 'rival', writtenYen: 1000, returnedYen: 0, netWrittenYen: 1000, earnedYen: 0, unearnedYen: 1000, incurredYen: 0 },
    ]);
  });

  it('divides incurred losses by earned premium, not written, per plan', () => {
    const [full, standard] = lossRatioByPlan(entries, jst('2026-11-21T00:00:00'), jst('2026-11-22T00:00:00'));
    expect(standard).toEqual({ plan: 'standard', earnedPremiumYen: 1200, incurredYen: 600, lossRatio: 0.5 });
    expect(full).toMatchObject({ plan: 'full', earnedPremiumYen: 1000, incurredYen: 0 });
  });

  it('charts written and earned premium and incurred losses per Japan day', () => {
    expect(dailyFigures(entries, jst('2026-11-21T15:00:00'), 2)).toEqual([
      { day: '2026-11-20', writtenYen: 2400, earnedYen: 1200, incurredYen: 0 },
      { day: '2026-11-21', writtenYen: 1000, earnedYen: 2200, incurredYen: 600 },
    ]);
  });
});
