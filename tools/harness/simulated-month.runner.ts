import { CLOUDEVENT_RECORD_HEADERS } from '@kuruma/contracts';
import type { BusinessClock } from '@kuruma/service-kit';
import { type SimBookingEvent, simBookingEvent, type SimMonthBooking } from './simulated-month';

export interface SimMonthTransport {
  /** Publishes a partner's booking events (in order) to its booking-events topic. */
  sendBookingEvents(partnerId: string, messages: { key: string; value: string; headers: Record<string, string> }[]): Promise<void>;
  /** Publishes a crash alert from the booking's car gateway (MQTT, QoS 1). */
  sendCrashAlert(booking: SimMonthBooking, alert: Record<string, unknown>): Promise<void>;
}

export interface SimMonthProgress {
  businessNow: Date;
  sent: number;
  total: number;
  crashAlerts: number;
}

export interface SimMonthRun {
  sent: number;
  crashAlerts: number;
  withdrawals: number;
  /** Events the caller held back (sent later, e.g. as a late event after a period closed). */
  held: { booking: SimMonthBooking; event: SimBookingEvent }[];
  /** Largest business-time delay between an action's instant and its sending (the runner's own lag). */
  maxLagMs: number;
}

interface Action {
  at: number;
  booking: SimMonthBooking;
  event?: SimBookingEvent;
  crash?: 'alert' | 'withdraw';
}

/**
 * Sends a planned period as the business clock reaches each action's instant: every tick, all
 * actions now due, booking events in one send per partner (a booking's events stay in sequence),
 * crash alerts from the cars' gateways. Returns once the clock has passed `until` and every action
 * is sent. `holdBack` keeps chosen events out (the caller sends them later).
 */
export async function runSimulatedMonth(options: {
  clock: BusinessClock;
  bookings: readonly SimMonthBooking[];
  transport: SimMonthTransport;
  until: Date;
  holdBack?: (booking: SimMonthBooking, event: SimBookingEvent) => boolean;
  onProgress?: (progress: SimMonthProgress) => void;
  tickMs?: number;
}): Promise<SimMonthRun> {
  const { clock, transport } = options;
  const run: SimMonthRun = { sent: 0, crashAlerts: 0, withdrawals: 0, held: [], maxLagMs: 0 };
  const actions: Action[] = [];
  for (const booking of options.bookings) {
    for (const event of booking.events) {
      if (options.holdBack?.(booking, event)) run.held.push({ booking, event });
      else actions.push({ at: event.at.getTime(), booking, event });
    }
    if (booking.crash) actions.push({ at: booking.crash.at.getTime(), booking, crash: 'alert' });
    if (booking.crash?.withdrawAt) actions.push({ at: booking.crash.withdrawAt.getTime(), booking, crash: 'withdraw' });
  }
  // Stable by instant: a booking's events at the same instant keep their sequence.
  actions.sort((a, b) => a.at - b.at || (a.event?.sequence ?? 99) - (b.event?.sequence ?? 99));
  const total = actions.length;
  let next = 0;
  for (;;) {
    const now = clock.nowMs();
    const due: Action[] = [];
    while (next < actions.length && (actions[next]?.at ?? Infinity) <= now) due.push(actions[next++] as Action);
    if (due.length) run.maxLagMs = Math.max(run.maxLagMs, now - (due[0]?.at ?? now));
    await sendDue(due, transport, run);
    options.onProgress?.({ businessNow: new Date(now), sent: run.sent, total, crashAlerts: run.crashAlerts });
    if (next >= actions.length && now >= options.until.getTime()) return run;
    const wait = Math.min(options.tickMs ?? 100, next < actions.length ? clock.realMsUntil(new Date(actions[next]?.at ?? now)) : clock.realMsUntil(options.until));
    await new Promise((r) => setTimeout(r, Math.max(5, wait)));
  }
}

async function sendDue(due: Action[], transport: SimMonthTransport, run: SimMonthRun): Promise<void> {
  const byPartner = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  const alerts: Promise<void>[] = [];
  for (const action of due) {
    const { booking } = action;
    if (action.event) {
      const list = byPartner.get(booking.partnerId) ?? [];
      list.push({ key: booking.bookingId, value: JSON.stringify(simBookingEvent(booking, action.event)), headers: { ...CLOUDEVENT_RECORD_HEADERS } });
      byPartner.set(booking.partnerId, list);
    } else if (action.crash) {
      const withdraw = action.crash === 'withdraw';
      // The detector's accident id ties the withdrawal (score 0) to its crash.
      const alert = { eventId: `${booking.bookingId}-crash${withdraw ? '-w' : ''}`, occurredAt: new Date(action.at).toISOString(), peakG: withdraw ? 0.4 : 3.2, deltaVKmh: withdraw ? 0 : 28, confidence: 'high', score: withdraw ? 0 : 90, accidentId: `${booking.bookingId}-acc` };
      alerts.push(transport.sendCrashAlert(booking, alert));
      if (withdraw) run.withdrawals += 1;
      else run.crashAlerts += 1;
    }
  }
  await Promise.all([...[...byPartner].map(([partnerId, messages]) => transport.sendBookingEvents(partnerId, messages)), ...alerts]);
  run.sent += due.length;
}

/** Sends held-back events now (e.g. a late event after its period closed), as the partner would. */
export async function sendHeldEvents(held: SimMonthRun['held'], transport: SimMonthTransport): Promise<void> {
  for (const { booking, event } of held) {
    await transport.sendBookingEvents(booking.partnerId, [{ key: booking.bookingId, value: JSON.stringify(simBookingEvent(booking, event)), headers: { ...CLOUDEVENT_RECORD_HEADERS } }]);
  }
}
