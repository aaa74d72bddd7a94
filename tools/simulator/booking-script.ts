import type { BookingEventType } from '@kuruma/contracts';
import type { Random } from '../harness';
import type { SimDriver, SimVehicle } from './fleet';

export type Ending = 'on-time' | 'early' | 'late' | 'extended' | 'cancelled' | 'no-show';

export interface ScriptedEvent {
  /** Milliseconds after the booking was created (simulation time is compressed). */
  afterMs: number;
  type: BookingEventType;
  endsAt?: string;
  endedAt?: string;
}

export interface SimBooking {
  bookingId: string;
  vehicle: SimVehicle;
  driver: SimDriver;
  plan: 'liability' | 'standard' | 'full';
  startsAt: Date;
  endsAt: Date;
  ending: Ending;
  events: ScriptedEvent[];
  /** Crash during the booking (sent while it is running). */
  crash?: { afterMs: number; peakG: number; deltaVKmh: number };
}

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

/** Hour-of-day weights for booking starts in Japan time: evening and weekend peaks. */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 7, 5.5, 4, 3, 2];

function startTime(random: Random, now: Date, instant: boolean): Date {
  if (instant) return new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
  // Later today or in the next days, weighted by hour of day and weekend.
  const dayOffset = random.weighted([[0, 5], [1, 3], [2, 2], [3, 1], [5, 1]] as const);
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  const day = new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate() + dayOffset));
  const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
  const hour = random.weighted(HOUR_WEIGHTS.map((w, h) => [h, weekend && h >= 9 && h <= 18 ? w * 1.6 : w] as const));
  const start = new Date(day.getTime() + hour * 3_600_000 - 9 * 3_600_000 + random.int(0, 3) * QUARTER);
  return start.getTime() < now.getTime() + 10 * MINUTE ? new Date(Math.ceil((now.getTime() + 10 * MINUTE) / QUARTER) * QUARTER) : start;
}

function duration(random: Random): number {
  if (random.chance(0.05)) return random.int(24, 96) * 3_600_000; // multi-day trips
  const hours = random.weighted([[1, 20], [2, 25], [3, 18], [4, 12], [5, 8], [6, 7], [8, 5], [12, 5]] as const);
  return hours * 3_600_000 + random.weighted([[0, 6], [QUARTER, 2], [2 * QUARTER, 2]] as const);
}

/** A realistic booking and its lifecycle, emitted in compressed time (seconds instead of hours). */
export function scriptBooking(random: Random, index: number, runTag: string, fleet: SimVehicle[], drivers: SimDriver[], now: Date): SimBooking {
  const vehicle = random.pick(fleet);
  const driver = random.pick(drivers);
  const instant = random.chance(0.3);
  const startsAt = startTime(random, now, instant);
  const endsAt = new Date(startsAt.getTime() + duration(random));
  const ending = random.weighted([['on-time', 52], ['early', 15], ['late', 10], ['extended', 10], ['cancelled', 8], ['no-show', 5]] as const);
  const step = () => random.int(300, 2_500);
  const events: ScriptedEvent[] = [{ afterMs: 0, type: 'com.kurumacover.booking.created' }];
  let t = step();
  events.push({ afterMs: t, type: 'com.kurumacover.booking.confirmed' });
  let crash: SimBooking['crash'];
  if (ending === 'cancelled') {
    events.push({ afterMs: (t += step()), type: 'com.kurumacover.booking.cancelled' });
  } else if (ending === 'no-show') {
    events.push({ afterMs: (t += step()), type: 'com.kurumacover.booking.no-show' });
  } else {
    events.push({ afterMs: (t += step()), type: 'com.kurumacover.booking.started' });
    if (instant && random.chance(0.02)) {
      const major = random.chance(0.6);
      crash = { afterMs: t + random.int(200, 1_500), peakG: major ? 2.5 + random.next() * 3 : 1.5 + random.next(), deltaVKmh: major ? random.int(20, 60) : random.int(5, 18) };
    }
    let finalEnd = endsAt;
    if (ending === 'extended') {
      finalEnd = new Date(endsAt.getTime() + random.int(2, 8) * QUARTER);
      events.push({ afterMs: (t += step()), type: 'com.kurumacover.booking.extended', endsAt: finalEnd.toISOString() });
    }
    const bookedMs = finalEnd.getTime() - startsAt.getTime();
    const endedAt =
      ending === 'early'
        ? new Date(startsAt.getTime() + Math.max(MINUTE * 20, Math.round(bookedMs * (0.3 + random.next() * 0.6))))
        : ending === 'late'
          ? new Date(finalEnd.getTime() + random.int(5, 90) * MINUTE)
          : finalEnd;
    events.push({ afterMs: (t += step()), type: 'com.kurumacover.booking.ended', endedAt: endedAt.toISOString() });
  }
  const plan = random.weighted([['liability', 30], ['standard', 45], ['full', 25]] as const);
  return { bookingId: `sim-${runTag}-b${index}`, vehicle, driver, plan, startsAt, endsAt, ending, events, crash };
}
