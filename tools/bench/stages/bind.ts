import { asMessage, bookingEvent, newBooking, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { measureHops } from '../hops';
import { refreshPlannerStatistics } from '../planner-statistics';
import { openLoop, percentiles } from '../latency';

/** The booking path's warm-up: 1,000 bookings at 50/s before the first measured window. */
const WARM_UP = { rate: 50, seconds: 20 };

/**
 * Bind latency at 100/s, 300/s and 1,000/s: com.kurumacover.booking.confirmed sent ->
 * com.kurumacover.policy.bound observed, with CPU per booking and the hops, after a warm-up.
 *
 * The warm-up is there because the services start cold: V8 optimises a function only after it
 * has run enough, and at a trickle of bookings that takes about a minute. Measured from a cold
 * start, three 15 s windows at 25/s in a row cost 48.3, 42.5 and 38.3 CPU ms per booking and
 * booking-ingest 3.2, 2.5 and 2.1 s (docs/benchmarks.md, "Warm services"). A service in production
 * has been running for days, so the measured windows start warm. The warm-up's own figures are
 * kept in the result (`bindWarmUp`), so the cold cost stays visible.
 */
export async function bindStage(run: PlatformRun): Promise<void> {
  run.results['bindWarmUp'] = await bindWindow(run, WARM_UP.rate, WARM_UP.seconds, 'bind warm-up');
  // A probe may repeat a rate (--bind-rates 25,25): each window keeps its own result (bind25, bind25#2).
  const windows = new Map<number, number>();
  // 15 s windows, 10 s from 1,000/s on: enough bookings for a p99 without a long backlog.
  for (const rate of run.bindRates ?? [100, 300, 1_000]) {
    const n = (windows.get(rate) ?? 0) + 1;
    windows.set(rate, n);
    run.results[n === 1 ? `bind${rate}` : `bind${rate}#${n}`] = await bindWindow(run, rate, rate >= 1_000 ? 10 : 15, `bind ${rate}/s`);
  }
}

async function bindWindow(run: PlatformRun, rate: number, seconds: number, stage: string): Promise<Record<string, unknown>> {
  const bar = run.bars.create(rate * seconds, 0, { stage: stage.padEnd(15), unit: 'bookings' });
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
  return { ...percentiles(lat), lost: sentAt.size - bound.length, sentPerSec: load.sentPerSec, cpu: cpu.stop(bound.length, 'bound booking'), hops };
}
