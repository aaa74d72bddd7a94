import type { DriverRecord } from './driver-record/driver-record';
import type { DeclineCode, QuoteRequestV1 } from '@kuruma/contracts';
import type { TariffData } from './tariff.schema';
import { parseInstant } from './instant';
import { vehicleAgeMonths } from './rating-factors';
import { isVehicleDamage, vehicleValueProblem } from './vehicle-value-band';

export interface PricingContext {
  /** The decision time; the engine never reads the clock. */
  now: Date;
  /** claims-trigger's fraud guard: the vehicle has an open damage claim. */
  vehicleHasOpenDamageClaim?: boolean;
  /** The driver's own claims on this platform (last 3 years). */
  platformClaims?: number;
  /**
   * The platform's own figures the request's driver inputs came from ({@link applyDriverRecord}):
   * only the breakdown's labels and the quote id use it, the figures priced are the request's.
   */
  driverRecord?: DriverRecord;
  /**
   * Leave each breakdown step's `source` out (default: include it). A step's source is fixed by
   * its tariff version and code, so what is stored or passed between services carries only the
   * figures and {@link withStepSources} puts the sources back where a person reads them.
   */
  omitSources?: boolean;
}

export interface DeclineReason {
  code: DeclineCode;
  message: string;
}

/** How far in the past a start may be (clock skew, a booking confirmed as it starts). */
const START_TOLERANCE_MS = 5 * 60_000;
const CATEGORIES = new Set(['ordinary', 'small', 'kei']);

function specialPlate(classification: string): boolean {
  const n = Number(classification);
  return classification.length === 1 ? n === 8 : classification.length === 2 ? n >= 80 && n <= 89 : n >= 800 && n <= 899;
}

/**
 * Every reason cover cannot be offered, not just the first, so a partner can fix all at once.
 * `cover` is the request's start and end in epoch ms when the caller has already read them.
 */
export function eligibilityReasons(
  request: QuoteRequestV1,
  tariff: TariffData,
  ctx: PricingContext,
  cover: { start: number; end: number } = { start: parseInstant(request.startsAt), end: parseInstant(request.endsAt) },
): DeclineReason[] {
  const reasons: DeclineReason[] = [];
  const { driver, vehicle } = request;
  const start = cover.start;
  const minutes = (cover.end - start) / 60_000;
  if (driver.age < 18) reasons.push({ code: 'driver-underage', message: `driver is ${driver.age}; cover starts at 18` });
  if (vehicle.ownerDriverId && vehicle.ownerDriverId === driver.driverId) {
    reasons.push({ code: 'vehicle-owned-by-driver', message: 'borrowed-car cover excludes cars owned by the driver or spouse' });
  }
  if (vehicle.rental) reasons.push({ code: 'vehicle-rental', message: 'rental cars carry their own cover' });
  if (specialPlate(vehicle.plateClassification)) {
    reasons.push({ code: 'vehicle-special-plate', message: `plate classification ${vehicle.plateClassification} is special-purpose (8, 80-89, 800-899)` });
  }
  if (minutes > tariff.exposure.maximumMinutes) {
    reasons.push({ code: 'duration-too-long', message: `booking is ${Math.round(minutes)} minutes; the maximum is ${tariff.exposure.maximumMinutes}` });
  }
  if (start < ctx.now.getTime() - START_TOLERANCE_MS) reasons.push({ code: 'start-in-past', message: 'cover cannot start in the past' });
  if (ctx.vehicleHasOpenDamageClaim) {
    reasons.push({ code: 'vehicle-damage-unresolved', message: 'the vehicle has an open damage claim; cover resumes when it is closed' });
  }
  const classes = CATEGORIES.has(vehicle.category) ? tariff.modelRatingClass.classes[vehicle.category as 'kei'] : undefined;
  if (classes === undefined) reasons.push({ code: 'invalid-vehicle', message: `unknown vehicle category "${vehicle.category}"` });
  else if (vehicle.modelRatingClass < 1 || vehicle.modelRatingClass > classes) {
    reasons.push({ code: 'invalid-vehicle', message: `model rating class ${vehicle.modelRatingClass} is outside 1-${classes} for ${vehicle.category}` });
  } else if (vehicleAgeMonths(vehicle.firstRegistration, new Date(start)) < 0) {
    reasons.push({ code: 'invalid-vehicle', message: 'first registration is after the start of cover' });
  }
  const valueProblem = tariff.plans[request.plan].coverages.some(isVehicleDamage) ? vehicleValueProblem(tariff, vehicle.valueYen) : undefined;
  if (valueProblem) reasons.push({ code: 'invalid-vehicle', message: valueProblem });
  return reasons;
}
