import { toFactor4 } from '../fixed-point';

/** A driver's consented trips, summed: what the gateways reported at the end of each trip. */
export interface TripTotals {
  trips: number;
  distanceMetres: number;
  drivenSeconds: number;
  harshBraking: number;
  harshAcceleration: number;
  speedingSeconds: number;
  nightMinutes: number;
}

/** The platform's driving score of one driver: 0-100 (100 best) and the kilometres behind it. */
export interface PlatformDrivingScore {
  score: number;
  km: number;
  trips: number;
}

/**
 * Penalty weights of the driving score (an assumption, not a seed figure: the seeds and domain.md
 * give crash thresholds but no scoring of everyday driving). Chosen so a driver with one harsh
 * braking and half a harsh acceleration per 100 km, 5% of the time above the limit and 10% of it
 * at night scores 80, above the tariffs' neutral 70; the calibration (issue #21 steps 1-3) is
 * where they are meant to be fitted to this platform's claims.
 */
export const DRIVING_SCORE_WEIGHTS = {
  perHarshBrakingPer100Km: 10,
  perHarshAccelerationPer100Km: 6,
  perSpeedingShare: 100,
  perNightShare: 20,
} as const;

/**
 * 100 minus the penalties, kept in [0, 100] and rounded to a tenth. Rates per 100 km count at
 * least 100 km, so a few metres with one harsh braking do not make a score of 0 out of nothing;
 * the tariff's credibility by distance (Z = km / full credibility km) keeps a short record near
 * neutral anyway.
 */
export function drivingScore(totals: TripTotals): PlatformDrivingScore {
  const km = totals.distanceMetres / 1000;
  const per100Km = 100 / Math.max(100, km);
  const seconds = Math.max(1, totals.drivenSeconds);
  const w = DRIVING_SCORE_WEIGHTS;
  const penalty =
    w.perHarshBrakingPer100Km * totals.harshBraking * per100Km +
    w.perHarshAccelerationPer100Km * totals.harshAcceleration * per100Km +
    w.perSpeedingShare * Math.min(1, totals.speedingSeconds / seconds) +
    w.perNightShare * Math.min(1, (totals.nightMinutes * 60) / seconds);
  const score = Math.round(Math.min(100, Math.max(0, 100 - penalty)) * 10) / 10;
  return { score, km: toFactor4(km), trips: totals.trips };
}
