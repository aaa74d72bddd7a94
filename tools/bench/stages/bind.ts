import { asMessage, bookingEvent, newBooking, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { measureHops } from '../hops';
import { refreshPlannerStatistics } from '../planner-statistics';
import { openLoop, percentiles } from '../latency';

/** Bind latency at 100/s, 300/s and 1,000/s: com.kurumacover.booking.confirmed sent -> com.kurumacover.policy.bound observed, with CPU per booking and the hops. */
export async function bindStage(run: PlatformRun): Promise<void> {
  // 15 s windows, 10 s from 1,000/s on: enough bookings for a p99 without a long backlog.
  for (const rate of run.bindRates ?? [100, 300, 1_000]) {
    const seconds = rate >= 1_000 ? 10 : 15;
    const bar = run.bars.create(rate * seconds, 0, { stage: `bind ${rate}/s`.padEnd(15), unit: 'bookings' });
    const sentAt = new Map<string, number>();
    // The previous stage's rows are in the statistics before this window, as autovacuum would have them.
    refreshPlannerStatistics();
    const cpu = run.cpuWindow();
    const { result: load, hops } = await measureHops(async () => {
      const held = await openLoop(rate, seconds, async () => {
        const b = newBooking();
        sentAt.set(b.bookingId, Date.now());
        await run.probe.produce(run.bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
      }, (n) => bar.update(n));
      // A booking still unbound after a minute counts as lost, it does not end the run.
      await waitUntil(() => [...sentAt.keys()].every((k) => run.boundAt.has(k)), 60_000);
      return held;
    });
    const bound = [...sentAt].filter(([k]) => run.boundAt.has(k));
    const lat = bound.map(([k, t]) => (run.boundAt.get(k) ?? t) - t);
    run.results[`bind${rate}`] = { ...percentiles(lat), lost: sentAt.size - bound.length, sentPerSec: load.sentPerSec, cpu: cpu.stop(bound.length, 'bound booking'), hops };
  }
}
