import type { Coverage, TariffData } from '../tariff.schema';
import type { CitedFigure, ExpectedLossModel } from './expected-loss';

const cited = (value: number, source: string): CitedFigure => ({ value, source });

/** The plan deductible behind a vehicle-damage coverage, read from the tariff being rated. */
function deductibleOf(tariff: TariffData, coverage: Coverage): CitedFigure {
  const plan = Object.entries(tariff.plans).find(([, p]) => p.coverages.includes(coverage) && p.deductibleYen !== null);
  if (!plan) throw new Error(`no plan with a deductible carries ${coverage}`);
  return cited(plan[1].deductibleYen as number, `derived: the deductible of the ${plan[0]} plan in the tariff`);
}

/**
 * The expected-loss model behind the base rates (docs/pricing.md, "Rate level"). The seeds give
 * no claim frequencies, so every frequency is an assumption with its reason; severities and
 * values are taken from the seeds where they hold a figure. Change a figure here, run
 * `npm run rate-level` and copy the balanced base it prints into a new tariff version.
 */
export function referenceLossModel(tariff: TariffData): ExpectedLossModel {
  return {
    ownerDrivingHoursPerYear: cited(400, 'assumption: a private car driven about 8,000 km a year at an average 20 km/h (outside the seeds)'),
    carshareMultiplier: cited(
      2,
      'seed 002 §2-7: cover for drivers of cars they do not own runs at a loss (ドライバー保険は、恒常的に収支が大幅な赤字); seed 002 §2-8: UGOKU 損害率においても恒常的に高水準; assumption: a carshare driver claims twice as often per driving hour as an owner (unfamiliar cars, urban trips) until this platform has its own experience',
    ),
    categorySeverity: {
      ordinary: cited(1, 'seed 001 §2-①: 自家用乗用車（普通・小型）is one use-and-type class'),
      small: cited(1, 'seed 001 §2-①: 自家用乗用車（普通・小型）is one use-and-type class'),
      kei: cited(0.9, 'assumption: a lighter, lower-powered kei car does less harm to others (seed 002 §1-3 rates 自家用軽四輪乗用車 separately, without a liability figure)'),
    },
    vehicleValueYen: {
      ordinary: cited(3_000_000, 'seed 002 §1-1-4: 車両保険金額・新車価格相当額:300万円 (the rider examples\' passenger car)'),
      small: cited(2_500_000, 'seed 004 §V-表1: トヨタ・ヤリス 車両共済金額250万円'),
      kei: cited(2_150_000, 'seed 004 §V-表1: ホンダ・N-BOX 車両共済金額215万円'),
    },
    vehicleMeanClaimShare: cited(
      0.12,
      'assumption: a mean repair claim of 12% of the car\'s value, claims exponential; seed 002 §1-1-5 (損害率 differs by 車両保険金額) supports scaling with value',
    ),
    coverages: {
      bodilyInjury: {
        ownerClaimsPerYear: cited(0.006, 'assumption: about 0.6% of owner cars a year claim on bodily-injury liability above the compulsory cover (outside the seeds)'),
        severityYen: cited(
          1_800_000,
          'seed 003 §4: compulsory 自賠責 pays first (死亡 3,000万円, 傷害 120万円); assumption: 1.8M yen average above it, the excess of the serious cases whose scale seed 002 §2-6 and §3-2 show',
        ),
      },
      propertyDamage: {
        ownerClaimsPerYear: cited(0.035, 'assumption: about 3.5% of owner cars a year claim on property-damage liability (outside the seeds)'),
        severityYen: cited(250_000, 'assumption: 250,000 yen per claim; seed 002 §1-1-2 reports 対物・車両保険の支払保険金単価の上昇傾向 without a figure'),
      },
      personalInjury: {
        ownerClaimsPerYear: cited(0.01, 'assumption: about 1% of owner cars a year claim on personal injury (outside the seeds)'),
        severityYen: cited(600_000, 'assumption: 600,000 yen per claim, mostly treatment; seed 002 §3-2 shows the rare tail (死亡 2,500万円-1億円)'),
      },
      vehicleDamageStandard: {
        ownerClaimsPerYear: cited(0.07, 'assumption: about 7% of owner cars a year have a vehicle-damage loss of any size (outside the seeds)'),
        deductibleYen: deductibleOf(tariff, 'vehicleDamageStandard'),
      },
      vehicleDamageFull: {
        ownerClaimsPerYear: cited(0.07, 'assumption: the same losses as the standard plan, only the deductible differs'),
        deductibleYen: deductibleOf(tariff, 'vehicleDamageFull'),
      },
      roadAssistance: {
        ownerClaimsPerYear: cited(
          0.12,
          'derived: 0.12 calls x 20,000 yen = 2,400 yen a year, the pure part of seed 002 §2-1-3\'s ロードアシスタンス等諸費用特約 4,008円 x (1 - 9.0% - 29.1%) = 2,481 yen; assumption: not scaled for carsharing because fleet cars are maintained',
        ),
        severityYen: cited(20_000, 'assumption: 20,000 yen per call (towing and first aid); seed 002 §2-1 limits lodging to 2万円'),
      },
    },
  };
}
