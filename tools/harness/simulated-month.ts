import type { BookingEventType } from '@kuruma/contracts';
import type { Random } from './random';

/**
 * A period of carshare business in business time (issue #19 step 7): bookings made hours or days
 * ahead, confirmed, started, extended, ended early, on time or late, cancelled and no-shows, and
 * crash alerts during some trips, each action at its own business instant. Run against services on
 * a simulated business clock (BUSINESS_CLOCK_*), a month takes minutes; the same plan could be
 * replayed at rate 1. Pure: the runner (simulated-month.runner.ts) sends it.
 */
export type SimEnding = 'on-time' | 'early' | 'late' | 'extended' | 'cancelled' | 'no-show';

export interface SimBookingEvent {
  /** The business instant the partner sends it at (also its CloudEvent `time`). */
  at: Date;
  type: BookingEventType;
  sequence: number;
  /** The booking's end as of this event (an extension moves it). */
  endsAt: Date;
  endedAt?: Date;
}

export interface SimCrash {
  at: Date;
  /** A second alert with score 0 for the same accident: the detector withdraws it (releases the reserve). */
  withdrawAt?: Date;
}

export interface SimMonthBooking {
  partnerId: string;
  bookingId: string;
  vehicleId: string;
  plan: 'liability' | 'standard' | 'full';
  driverAge: number;
  startsAt: Date;
  endsAt: Date;
  ending: SimEnding;
  events: SimBookingEvent[];
  crash?: SimCrash;
}

export interface SimMonthOptions {
  /** First business instant of the period (bookings are made from then on). */
  from: Date;
  /** End of the period: every booking's last action is before it. */
  to: Date;
  bookingsPerDay: number;
  partners: readonly string[];
  /** Unique per run, in every booking id, so runs never collide. */
  runTag: string;
  /** Share of trips with a crash alert (default 3 %), of which a third are withdrawn. */
  crashShare?: number;
  /**
   * The business clock's rate (business seconds per real second). With it, bookings are made at
   * least `MIN_REAL_LEAD_MS` of real time ahead as well as MIN_BOOKING_LEAD_MS of business time:
   * at rate 2,400 three business hours are 4.5 real seconds, which a loaded machine's pipeline
   * delay outran (5 of 2,946 bookings declined start-in-past in the 30-day run of 2026-12-02).
   */
  clockRate?: number;
}

/** Real time a booking's events may take through the pipeline before its cover start passes. */
export const MIN_REAL_LEAD_MS = 30_000;

/** The minimum business lead of a plan: three hours, or 30 real seconds at the clock's rate. */
export const minimumLeadMs = (clockRate = 1): number => Math.max(MIN_BOOKING_LEAD_MS, Math.ceil((clockRate * MIN_REAL_LEAD_MS) / 60_000) * 60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const QUARTER = 15 * MINUTE;
/** Hour-of-day weights for trip starts in Japan time: evening and weekend peaks (as the live simulator). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 7, 5.5, 4, 3, 2];
/**
 * Bookings are made at least this long before the trip: a simulated clock running at rate r turns
 * one real second of pipeline delay into r business seconds, and a cover start that is already
 * past when the booking is accepted is declined, so the lead must outrun the delay.
 */
export const MIN_BOOKING_LEAD_MS = 3 * HOUR;
/** Room after a trip's booked end for an extension (up to 2 h) and a late return (up to 90 min). */
const TAIL_MS = 4 * HOUR;

/** The plan: deterministic for a seed. Trips whose whole lifecycle would not fit in the period are not made. */
export function planSimulatedMonth(random: Random, options: SimMonthOptions): SimMonthBooking[] {
  const days = Math.floor((options.to.getTime() - options.from.getTime()) / (24 * HOUR));
  const lead = minimumLeadMs(options.clockRate);
  const bookings: SimMonthBooking[] = [];
  for (let day = 0; day < days; day += 1) {
    const dayStart = options.from.getTime() + day * 24 * HOUR;
    const weekend = [0, 6].includes(new Date(dayStart + 9 * HOUR).getUTCDay());
    for (let i = 0; i < options.bookingsPerDay; i += 1) {
      const hour = random.weighted(HOUR_WEIGHTS.map((w, h) => [h, weekend && h >= 9 && h <= 18 ? w * 1.6 : w] as const));
      const start = dayStart + hour * HOUR + random.int(0, 3) * QUARTER;
      const booked = random.chance(0.05) ? random.int(24, 48) * HOUR : random.weighted([[1, 20], [2, 25], [3, 18], [4, 12], [5, 8], [6, 7], [8, 5], [12, 5]] as const) * HOUR;
      if (start - lead < options.from.getTime() + 5 * MINUTE || start + booked + TAIL_MS > options.to.getTime()) continue;
      bookings.push(planBooking(random, options, bookings.length, new Date(start), booked, lead));
    }
  }
  return bookings;
}

function planBooking(random: Random, options: SimMonthOptions, index: number, startsAt: Date, bookedMs: number, lead: number): SimMonthBooking {
  const start = startsAt.getTime();
  const partnerId = random.pick(options.partners);
  const ending = random.weighted([['on-time', 52], ['early', 15], ['late', 10], ['extended', 10], ['cancelled', 8], ['no-show', 5]] as const);
  // Made between the minimum lead and a day and a half ahead (not before the period starts).
  const created = Math.max(options.from.getTime() + MINUTE, start - random.int(lead / MINUTE, Math.max(36 * 60, lead / MINUTE + 6 * 60)) * MINUTE);
  const confirmed = Math.min(created + random.int(1, 20) * MINUTE, start - lead + MINUTE);
  let endsAt = new Date(start + bookedMs);
  const events: SimBookingEvent[] = [];
  const push = (at: number, type: BookingEventType, endedAt?: number) => events.push({ at: new Date(at), type, sequence: events.length + 1, endsAt, ...(endedAt !== undefined ? { endedAt: new Date(endedAt) } : {}) });
  push(created, 'com.kurumacover.booking.created');
  push(Math.max(created, confirmed), 'com.kurumacover.booking.confirmed');
  let crash: SimCrash | undefined;
  if (ending === 'cancelled') push(confirmed + (start - confirmed) * (0.2 + random.next() * 0.7), 'com.kurumacover.booking.cancelled');
  else if (ending === 'no-show') push(start + random.int(20, 60) * MINUTE, 'com.kurumacover.booking.no-show');
  else {
    push(start, 'com.kurumacover.booking.started');
    if (ending === 'extended') {
      const asked = start + bookedMs * (0.3 + random.next() * 0.5);
      endsAt = new Date(start + bookedMs + random.int(2, 8) * QUARTER);
      push(asked, 'com.kurumacover.booking.extended');
    }
    const finalMs = endsAt.getTime() - start;
    const endedAt =
      ending === 'early' ? start + Math.max(20 * MINUTE, Math.round(finalMs * (0.3 + random.next() * 0.6))) : ending === 'late' ? endsAt.getTime() + random.int(5, 90) * MINUTE : endsAt.getTime();
    if (random.chance(options.crashShare ?? 0.03)) {
      const at = start + Math.round((endedAt - start) * (0.2 + random.next() * 0.6));
      crash = { at: new Date(at), ...(random.chance(1 / 3) ? { withdrawAt: new Date(at + random.int(2, 10) * MINUTE) } : {}) };
    }
    push(endedAt, 'com.kurumacover.booking.ended', endedAt);
  }
  const plan = random.weighted([['liability', 30], ['standard', 45], ['full', 25]] as const);
  const bookingId = `sm-${options.runTag}-b${index}`;
  return { partnerId, bookingId, vehicleId: `sm-${options.runTag}-v${index}`, plan, driverAge: random.int(26, 70), startsAt, endsAt, ending, events: events.sort((a, b) => a.sequence - b.sequence), crash };
}

/** The booking event as the partner publishes it (CloudEvents 1.0 JSON), stamped with its business instant. */
export function simBookingEvent(b: SimMonthBooking, e: SimBookingEvent) {
  const jst = (d: Date) => new Date(d.getTime() + 9 * HOUR).toISOString().replace(/\.\d{3}Z$/, '+09:00');
  return {
    specversion: '1.0',
    id: `${b.bookingId}-e${e.sequence}`,
    source: `partner/${b.partnerId}`,
    type: e.type,
    subject: b.bookingId,
    time: e.at.toISOString(),
    datacontenttype: 'application/json',
    data: {
      bookingId: b.bookingId,
      partnerId: b.partnerId,
      startsAt: jst(b.startsAt),
      endsAt: jst(e.endsAt),
      plan: b.plan,
      vehicle: { vehicleId: b.vehicleId, category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
      driver: { driverId: `${b.bookingId}-d`, age: b.driverAge, licenceColour: 'gold', grade: 12 },
      sequence: e.sequence,
      ...(e.endedAt ? { endedAt: jst(e.endedAt) } : {}),
    },
  };
}
