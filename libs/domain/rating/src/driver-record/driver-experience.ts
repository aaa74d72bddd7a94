import type { TariffData } from '../tariff.schema';
import { toFactor4 } from '../fixed-point';

/** A driver's cover on this platform that has run, and the claims on it. */
export interface CoveredHistory {
  /** Covered hours that have elapsed (cover start to the earlier of cover end and now). */
  coveredHours: number;
  /** Claims opened on that cover and not withdrawn. */
  claims: number;
}

/** The experience factor's inputs and result, as the breakdown shows them. */
export interface PlatformExperience extends CoveredHistory {
  /** Hours of cover on bookings without a claim. */
  claimFreeHours: number;
  /** Z = min(1, covered hours / full-credibility hours). */
  credibility: number;
  /** The experience relativity 1 + Z x (actual / expected claims - 1), before the tariff's bounds. */
  relativity: number;
  /** The relativity as a score on the tariff's trust scale (0-100), which prices it. */
  score: number;
}

/**
 * The experience factor's constants (assumptions, docs/pricing.md "A driver's own history"):
 * - expected claims per covered hour: the reference loss model's owner frequencies
 *   (0.006 + 0.035 + 0.01 + 0.07 = 0.121 claims a year over 400 driving hours) times its carshare
 *   multiplier 2, counting every covered hour as a driving hour: 0.000605;
 * - full credibility at 5,000 covered hours (about three expected claims): fewer hours move the
 *   factor proportionally less, as the telematics factor does with kilometres.
 */
export const EXPERIENCE_ASSUMPTIONS = {
  expectedClaimsPerCoveredHour: 0.000605,
  fullCredibilityHours: 5000,
} as const;

/**
 * A credibility-weighted experience relativity r = 1 + Z x (A/E - 1) (A: claims, E: expected
 * claims for the hours), expressed on the tariff's trust score scale so the governed trust factor
 * prices it unchanged: score = neutral - (r - 1) / slope, kept in [0, 100]. The tariff's trust
 * credibility (0.5) applies on top, so the factor stays within the tariff's trust range
 * (0.9-1.15 for the shipped versions) whatever the history.
 */
export function driverExperience(t: TariffData, history: CoveredHistory & { claimFreeHours: number }): PlatformExperience {
  const a = EXPERIENCE_ASSUMPTIONS;
  const hours = Math.max(0, history.coveredHours);
  const z = Math.min(1, hours / a.fullCredibilityHours);
  const expected = hours * a.expectedClaimsPerCoveredHour;
  const actualOverExpected = expected > 0 ? history.claims / expected : 1;
  const relativity = 1 + z * (actualOverExpected - 1);
  const score = Math.min(100, Math.max(0, t.trust.neutralScore - (relativity - 1) / t.trust.slopePerPoint));
  return {
    coveredHours: Math.round(hours * 10) / 10,
    claimFreeHours: Math.round(Math.max(0, history.claimFreeHours) * 10) / 10,
    claims: history.claims,
    credibility: toFactor4(z),
    relativity: toFactor4(relativity),
    score: Math.round(score * 10) / 10,
  };
}
