import type { QuoteRequestV1 } from '@kuruma/contracts';
import { parseInstant } from '../instant';
import { type TariffRegistry, tariffs } from '../tariff-registry';
import { type CoveredHistory, driverExperience, type PlatformExperience } from './driver-experience';
import { drivingScore, type PlatformDrivingScore, type TripTotals } from './driving-score';

/** What the platform holds on one pseudonymous driver, summed by the caller from its own tables. */
export interface DriverRecordTotals {
  /** The driver's consented trips; absent or zero trips: no platform driving score. */
  trips?: TripTotals;
  /** Covered hours and claims on this platform (the partner's own, and opted-in partners'). */
  history?: CoveredHistory & { claimFreeHours: number };
}

/** The platform's figures a quote was priced with, for the breakdown's labels. */
export interface DriverRecord {
  driving?: PlatformDrivingScore;
  experience?: PlatformExperience;
}

/** The driver inputs the platform substitutes: the tariff prices them as it prices a partner's. */
export type PricedDriverInputs = Pick<QuoteRequestV1['driver'], 'telematics' | 'trustScore'>;

/**
 * The request as the platform prices it: with the driver's consent and at least one trip, the
 * platform's driving score and its kilometres replace the partner's `telematics`; with covered
 * hours on the platform, the experience score replaces the partner's `trustScore` (the partner's
 * number stays the default only for drivers the platform has not covered yet). The governed
 * tariff's telematics and trust factors then price them unchanged, so every existing tariff
 * version keeps its document and its prices for the same inputs.
 */
export function applyDriverRecord(
  request: QuoteRequestV1,
  totals: DriverRecordTotals | undefined,
  registry: TariffRegistry = tariffs,
): { request: QuoteRequestV1; record?: DriverRecord } {
  if (!totals) return { request };
  const tariff = registry.inForceAt(new Date(parseInstant(request.startsAt)));
  const driving = request.driver.drivingDataConsent && totals.trips && totals.trips.trips > 0 ? drivingScore(totals.trips) : undefined;
  const experience = tariff && totals.history && totals.history.coveredHours > 0 ? driverExperience(tariff.data, totals.history) : undefined;
  if (!driving && !experience) return { request };
  const inputs: PricedDriverInputs = {
    ...(driving ? { telematics: { score: driving.score, km: driving.km } } : {}),
    ...(experience ? { trustScore: experience.score } : {}),
  };
  return { request: withDriverInputs(request, inputs), record: { ...(driving ? { driving } : {}), ...(experience ? { experience } : {}) } };
}

/** The request with the platform's driver inputs in place of the partner's. */
export function withDriverInputs<R extends { driver: QuoteRequestV1['driver'] }>(request: R, inputs: PricedDriverInputs): R {
  return { ...request, driver: { ...request.driver, ...inputs } };
}

/** The inputs a record put in place, to apply again to a booking's later events (extensions). */
export function driverInputsOf(request: QuoteRequestV1, record: DriverRecord | undefined): PricedDriverInputs | undefined {
  if (!record) return undefined;
  return { ...(record.driving ? { telematics: request.driver.telematics } : {}), ...(record.experience ? { trustScore: request.driver.trustScore } : {}) };
}

/** The telematics step's label when the platform's score priced it. */
export const platformDrivingLabel = (d: PlatformDrivingScore, credibility: number): string =>
  `platform driving score ${d.score} from ${d.trips} trip${d.trips === 1 ? '' : 's'} over ${d.km} km (credibility ${credibility})`;

/** The trust step's label when the driver's own history priced it. */
export const platformExperienceLabel = (e: PlatformExperience): string =>
  `platform experience: ${e.coveredHours} covered hours, ${e.claimFreeHours} of them claim-free, ${e.claims} claim${e.claims === 1 ? '' : 's'} (credibility ${e.credibility}, relativity ${e.relativity}): experience score ${e.score}`;
