import { CLAIM_COVERAGES, type ClaimCoverage, type ExperienceInterval, ratingLevels } from './experience';

/** A row of the `experience_interval` view, under the domain's names. */
export interface ExperienceIntervalRow {
  policyId: string;
  partnerId: string;
  plan: string;
  tariffVersion: string | null;
  coverStart: Date;
  coverEnd: Date;
  exposureMinutes: number;
  bookedMinutes: number;
  endorsements: number;
  premiumYen: number;
  refundYen: number;
  driverAge: number;
  grade: number | null;
  licenceColour: string;
  vehicleCategory: string;
  modelRatingClass: number;
  vehicleAgeMonths: number;
  valueYen: number | null;
  region: string | null;
  drivingScore: number | null;
  /** Whose score priced it: the platform's from the car, the partner's, or unknown once pricing's record of the booking is gone. */
  drivingScoreSource: 'platform' | 'partner' | 'unknown' | null;
}

/** A row of the `experience_claim` view. */
export interface ExperienceClaimRow {
  claimId: string;
  policyId: string;
  status: string;
  severity: string;
  cause: string;
  coverages: string[];
  occurredAt: Date;
  reserveYen: number;
  incurredYen: number;
}

/**
 * How a claim's incurred divides among its coverages: the claims side's reserve figures per
 * coverage and severity (libs/domain/claims fnol-assessment), passed in because a domain library
 * does not import another. Shares of the coverages listed; they sum to 1.
 */
export type CoverageSplit = (coverages: readonly string[], severity: string) => Partial<Record<string, number>>;

const isClaimCoverage = (c: string): c is ClaimCoverage => (CLAIM_COVERAGES as readonly string[]).includes(c);

/** The data set's rows as the calibration reads them: banded variables, exposure in days, claims per coverage. */
export function experienceIntervalsOf(rows: readonly ExperienceIntervalRow[], claims: readonly ExperienceClaimRow[], split: CoverageSplit): ExperienceInterval[] {
  const byPolicy = new Map<string, ExperienceClaimRow[]>();
  for (const c of claims) byPolicy.set(c.policyId, [...(byPolicy.get(c.policyId) ?? []), c]);
  return rows.map((r) => {
    const interval: ExperienceInterval = {
      policyId: r.policyId,
      coverStartMs: r.coverStart.getTime(),
      exposureDays: Math.max(0, r.exposureMinutes) / 1440,
      plan: r.plan,
      levels: ratingLevels({
        driverAge: r.driverAge,
        grade: r.grade,
        licenceColour: r.licenceColour,
        vehicleCategory: r.vehicleCategory,
        vehicleAgeMonths: r.vehicleAgeMonths,
        valueYen: r.valueYen,
        plan: r.plan,
        coverStartMs: r.coverStart.getTime(),
        bookedMinutes: r.bookedMinutes,
        partnerId: r.partnerId,
        region: r.region,
      }),
      drivingScore: r.drivingScore,
      claims: {},
    };
    for (const claim of byPolicy.get(r.policyId) ?? []) {
      const counted = claim.status !== 'withdrawn';
      const shares = split(claim.coverages, claim.severity);
      for (const coverage of claim.coverages.filter(isClaimCoverage)) {
        const share = shares[coverage] ?? 0;
        if (share <= 0 && counted) continue;
        const entry = interval.claims[coverage] ?? { count: 0, incurredYen: 0 };
        entry.count += counted ? 1 : 0;
        entry.incurredYen += Math.round(claim.incurredYen * share);
        interval.claims[coverage] = entry;
      }
    }
    return interval;
  });
}
