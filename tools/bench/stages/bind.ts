import { asMessage, bookingEvent, newBooking, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { openLoop, percentiles } from '../latency';

/** Bind latency at 100/s and 300/s: booking.confirmed sent -> policy.bound observed. */
export async function bindStage(run: PlatformRun): Promise<void> {
  for (const rate of [100, 300]) {
    const seconds = 15;
    const bar = run.bars.create(rate * seconds, 0, { stage: `bind ${rate}/s      `, unit: 'bookings' });
    const sentAt = new Map<string, number>();
    await openLoop(rate, seconds, async () => {
      const b = newBooking();
      sentAt.set(b.bookingId, Date.now());
      await run.probe.produce(run.bookingTopic, [asMessage(bookingEvent(b, 'booking.created', 1)), asMessage(bookingEvent(b, 'booking.confirmed', 2))]);
    }, (n) => bar.update(n));
    // A booking still unbound after a minute counts as lost, it does not end the run.
    await waitUntil(() => [...sentAt.keys()].every((k) => run.boundAt.has(k)), 60_000);
    const lat = [...sentAt].filter(([k]) => run.boundAt.has(k)).map(([k, t]) => (run.boundAt.get(k) ?? t) - t);
    run.results[`bind${rate}`] = { ...percentiles(lat), lost: [...sentAt.keys()].filter((k) => !run.boundAt.has(k)).length };
  }
}
