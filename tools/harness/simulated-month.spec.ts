import { describe, expect, it } from 'vitest';
import { MIN_BOOKING_LEAD_MS, minimumLeadMs, planSimulatedMonth, simBookingEvent } from './simulated-month';
import { Random } from './random';

const from = new Date('2026-11-01T00:00:00+09:00');
const to = new Date('2026-12-01T00:00:00+09:00');
const plan = (seed = 7) => planSimulatedMonth(new Random(seed), { from, to, bookingsPerDay: 40, partners: ['demo', 'rival'], runTag: 't' });

describe(planSimulatedMonth.name, () => {
  it('is the same plan for the same seed', () => {
    expect(plan(7)).toEqual(plan(7));
    expect(plan(7)).not.toEqual(plan(8));
  });

  it('keeps every booking lifecycle inside the period, in sequence and in time order, confirmed well ahead of the start', () => {
    const bookings = plan();
    expect(bookings.length).toBeGreaterThan(30 * 30);
    for (const b of bookings) {
      const times = b.events.map((e) => e.at.getTime());
      expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
      expect(b.events.map((e) => e.sequence)).toEqual(b.events.map((_, i) => i + 1));
      expect(times[0]).toBeGreaterThanOrEqual(from.getTime());
      expect(Math.max(...times, b.crash?.withdrawAt?.getTime() ?? 0)).toBeLessThan(to.getTime());
      const confirmed = b.events.find((e) => e.type === 'com.kurumacover.booking.confirmed');
      expect(b.startsAt.getTime() - (confirmed?.at.getTime() ?? Infinity)).toBeGreaterThanOrEqual(MIN_BOOKING_LEAD_MS - 60_000);
      if (b.crash) expect(b.crash.at.getTime()).toBeGreaterThan(b.startsAt.getTime());
    }
  });

  it('on a fast clock confirms every booking at least 30 real seconds of that clock ahead of its start', () => {
    expect(minimumLeadMs()).toBe(MIN_BOOKING_LEAD_MS);
    expect(minimumLeadMs(2_400)).toBe(20 * 3_600_000);
    const bookings = planSimulatedMonth(new Random(7), { from, to, bookingsPerDay: 40, partners: ['demo'], runTag: 't', clockRate: 2_400 });
    expect(bookings.length).toBeGreaterThan(25 * 30);
    for (const b of bookings) {
      const confirmed = b.events.find((e) => e.type === 'com.kurumacover.booking.confirmed');
      expect(b.startsAt.getTime() - (confirmed?.at.getTime() ?? Infinity)).toBeGreaterThanOrEqual(20 * 3_600_000 - 60_000);
      expect(b.events[0]?.at.getTime()).toBeGreaterThanOrEqual(from.getTime());
    }
  });

  it('has every ending, both partners and some crashes', () => {
    const bookings = plan();
    expect(new Set(bookings.map((b) => b.ending))).toEqual(new Set(['on-time', 'early', 'late', 'extended', 'cancelled', 'no-show']));
    expect(new Set(bookings.map((b) => b.partnerId))).toEqual(new Set(['demo', 'rival']));
    expect(bookings.filter((b) => b.crash).length).toBeGreaterThan(10);
    expect(bookings.some((b) => b.crash?.withdrawAt)).toBe(true);
  });

  it('stamps each event with its business instant, Japan-time booking times and the extended end', () => {
    const b = plan().find((x) => x.ending === 'extended');
    const extended = b?.events.find((e) => e.type === 'com.kurumacover.booking.extended');
    if (!b || !extended) throw new Error('no extended booking in the plan');
    const event = simBookingEvent(b, extended);
    expect(event.time).toBe(extended.at.toISOString());
    expect(event.data.endsAt).toMatch(/\+09:00$/);
    expect(Date.parse(event.data.endsAt)).toBe(b.endsAt.getTime());
    expect(event.data.partnerId).toBe(b.partnerId);
  });
});
