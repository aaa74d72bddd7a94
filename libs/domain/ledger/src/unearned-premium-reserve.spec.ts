import { describe, expect, it } from 'vitest';
import type { FigureEntry } from './finance-figures';
import { postPolicyEffect } from './posting-rules';
import { unearnedPremiumReservePostings } from './unearned-premium-reserve';

const jst = (day: string, hhmm: string) => new Date(`2026-11-${day}T${hhmm}:00+09:00`);
const ctx = { partnerId: 'demo', policyId: 'p1', tariffVersion: 'standard@abc' };
const asFigures = (entries: ReturnType<typeof postPolicyEffect>): FigureEntry[] => entries.map((e) => ({ ...e, plan: 'standard' }));
// 2,400 yen bound on the 20th at 20:00 for a trip from 22:00 on the 20th to 02:00 on the 21st (240 minutes).
const bound = asFigures(postPolicyEffect({ ...ctx, sourceEventId: 'b', businessAt: jst('20', '20:00'), kind: 'bound', premiumYen: 2_400, coverStart: jst('20', '22:00'), coverEnd: jst('21', '02:00') }));

describe(unearnedPremiumReservePostings.name, () => {
  it('reserves at the close of the 20th what is unearned at midnight: 2,400 x (240 - 120) / 240 = 1,200 yen, Dr 4300 / Cr 2200', () => {
    const [sut, ...rest] = unearnedPremiumReservePostings(bound, '2026-11-20');
    expect(rest).toEqual([]);
    expect(sut).toMatchObject({ sourceEventId: 'upr:demo:2026-11-20', rule: 'unearned-premium-reserve', partnerId: 'demo', policyId: null, claimId: null });
    expect(sut?.businessAt).toEqual(new Date(jst('21', '00:00').getTime() - 1));
    expect(sut?.lines).toEqual([
      { account: '4300', debitYen: 1_200, creditYen: 0 },
      { account: '2200', debitYen: 0, creditYen: 1_200 },
    ]);
  });

  it('releases it at the close of the 21st, when the trip has earned everything: Dr 2200 / Cr 4300 1,200 yen', () => {
    const reserved = unearnedPremiumReservePostings(bound, '2026-11-20').map((e) => ({ ...e, plan: null }));
    const [sut] = unearnedPremiumReservePostings([...bound, ...reserved], '2026-11-21');
    expect(sut?.lines).toEqual([
      { account: '2200', debitYen: 1_200, creditYen: 0 },
      { account: '4300', debitYen: 0, creditYen: 1_200 },
    ]);
    // And nothing more the day after: the reserve already is what is unearned (0).
    const released = [sut].map((e) => ({ ...(e as NonNullable<typeof e>), plan: null }));
    expect(unearnedPremiumReservePostings([...bound, ...reserved, ...released], '2026-11-22')).toEqual([]);
  });

  it('posts nothing before the premium is written, and only the change when a day already holds a reserve', () => {
    expect(unearnedPremiumReservePostings(bound, '2026-11-19')).toEqual([]);
    // A posted reserve of 1,000 yen on the 20th (as if an entry had arrived late): the close tops it up by 200.
    const earlier: FigureEntry = {
      rule: 'unearned-premium-reserve',
      partnerId: 'demo',
      policyId: null,
      claimId: null,
      plan: null,
      businessAt: jst('19', '23:59'),
      coverStart: null,
      coverEnd: null,
      reductionYen: 0,
      lines: [{ account: '4300', debitYen: 1_000, creditYen: 0 }, { account: '2200', debitYen: 0, creditYen: 1_000 }],
    };
    expect(unearnedPremiumReservePostings([...bound, earlier], '2026-11-20')[0]?.lines).toEqual([
      { account: '4300', debitYen: 200, creditYen: 0 },
      { account: '2200', debitYen: 0, creditYen: 200 },
    ]);
  });

  it('keeps partners apart', () => {
    const rival = asFigures(postPolicyEffect({ ...ctx, partnerId: 'rival', policyId: 'p2', sourceEventId: 'r', businessAt: jst('20', '20:00'), kind: 'bound', premiumYen: 600, coverStart: jst('20', '23:00'), coverEnd: jst('21', '01:00') }));
    expect(unearnedPremiumReservePostings([...bound, ...rival], '2026-11-20').map((e) => [e.partnerId, e.lines[1]?.creditYen])).toEqual([
      ['demo', 1_200],
      ['rival', 300],
    ]);
  });
});
