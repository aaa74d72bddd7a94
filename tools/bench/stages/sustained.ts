import { asMessage, bookingEvent, newBooking, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { runOnBenchDatabase } from '../planner-statistics';

/** A drain shorter than this measures its start and end more than the steady state. */
const STEADY_DRAIN_SECONDS = 8;

/**
 * Sustained bind throughput: a backlog of 20,000 bookings (`--backlog`), drained at full speed.
 * If that drains in under ~8 s, a second backlog sized for ~12 s is drained and reported instead.
 */
export async function sustainedStage(run: PlatformRun): Promise<void> {
  let result: Awaited<ReturnType<typeof drain>> & { firstDrain?: { bookings: number; drainSeconds: number; boundPerSec: number } } = await drain(run, run.backlog);
  if (result.drainSeconds < STEADY_DRAIN_SECONDS) {
    const larger = Math.ceil((run.backlog * 12) / result.drainSeconds / 1_000) * 1_000;
    run.say(`the drain took ${result.drainSeconds.toFixed(1)} s: draining a backlog of ${larger.toLocaleString('en-US')} for a steady-state figure`);
    result = { ...(await drain(run, larger)), firstDrain: { bookings: run.backlog, drainSeconds: result.drainSeconds, boundPerSec: result.boundPerSec } };
  }
  run.results['bindSustained'] = result;
}

async function drain(run: PlatformRun, backlog: number) {
  const bar = run.bars.create(backlog, 0, { stage: 'bind saturation', unit: 'bound' });
  const ids: string[] = [];
  const cpu = run.cpuWindow();
  const t0 = Date.now();
  for (let i = 0; i < backlog; i += 500) {
    const chunk = Array.from({ length: Math.min(500, backlog - i) }, () => newBooking());
    ids.push(...chunk.map((b) => b.bookingId));
    await run.probe.produce(run.bookingTopic, chunk.flatMap((b) => [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]));
  }
  const produceSeconds = (Date.now() - t0) / 1000;
  await waitUntil(() => {
    const done = ids.filter((k) => run.boundAt.has(k)).length;
    bar.update(done);
    return done === ids.length;
  }, 300_000);
  const bound = ids.filter((k) => run.boundAt.has(k)).length;
  const lastBound = Math.max(...ids.map((k) => run.boundAt.get(k) ?? 0));
  const drainSeconds = (lastBound - t0) / 1000;
  const result = { bookings: backlog, producedInSeconds: produceSeconds, drainSeconds, boundPerSec: Math.round(backlog / drainSeconds), lost: backlog - bound, cpu: cpu.stop(bound, 'bound booking') };
  // The stages after this one measure steady state, not the wake of this backlog (Postgres's
  // autovacuum and checkpoint of it; docs/benchmarks.md, design notes).
  run.say('letting Postgres absorb the backlog (VACUUM ANALYZE, CHECKPOINT)');
  runOnBenchDatabase('VACUUM ANALYZE');
  runOnBenchDatabase('CHECKPOINT');
  return result;
}
