import type { TariffData } from './tariff.schema';
import { toFactor4 } from './fixed-point';

/** The booked minutes billed in steps (15 minutes by default) with a one-hour minimum. */
export function billableMinutes(bookedMinutes: number, exposure: TariffData['exposure']): number {
  const stepped = Math.ceil(bookedMinutes / exposure.stepMinutes) * exposure.stepMinutes;
  return Math.max(exposure.minimumMinutes, stepped);
}

/**
 * Share of a day's price for a duration: (h/24)^a within the first day (concave: an hour costs
 * more per hour than a day), then each further day at its own declining rate, pro rata.
 */
export function exposureFactor(minutes: number, exposure: TariffData['exposure']): number {
  const hours = minutes / 60;
  if (hours <= 24) return toFactor4(Math.pow(hours / 24, exposure.firstDayExponent));
  let factor = 1;
  let remaining = hours - 24;
  for (const rate of exposure.laterDayRates) {
    const part = Math.min(24, remaining);
    factor += (part / 24) * rate;
    remaining -= part;
    if (remaining <= 0) break;
  }
  return toFactor4(factor);
}
