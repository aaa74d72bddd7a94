import { execFileSync } from 'node:child_process';
import { asMessage, bookingEvent, newBooking, TEST_ENV, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';

/** Sustained bind throughput: a backlog of 20,000 bookings, drained at full speed. */
export async function sustainedStage(run: PlatformRun): Promise<void> {
  const backlog = 20_000;
  const bar = run.bars.create(backlog, 0, { stage: 'bind saturation', unit: 'bound' });
  const ids: string[] = [];
  const t0 = Date.now();
  for (let i = 0; i < backlog; i += 500) {
    const chunk = Array.from({ length: Math.min(500, backlog - i) }, () => newBooking());
    ids.push(...chunk.map((b) => b.bookingId));
    await run.probe.produce(run.bookingTopic, chunk.flatMap((b) => [asMessage(bookingEvent(b, 'booking.created', 1)), asMessage(bookingEvent(b, 'booking.confirmed', 2))]));
  }
  const produceSeconds = (Date.now() - t0) / 1000;
  await waitUntil(() => {
    const done = ids.filter((k) => run.boundAt.has(k)).length;
    bar.update(done);
    return done === ids.length;
  }, 300_000);
  const lastBound = Math.max(...ids.map((k) => run.boundAt.get(k) ?? 0));
  run.results['bindSustained'] = { bookings: backlog, producedInSeconds: produceSeconds, boundPerSec: Math.round(backlog / ((lastBound - t0) / 1000)), lost: ids.filter((k) => !run.boundAt.has(k)).length };
  // The stages after this one measure steady state, not the wake of this backlog (Postgres's
  // autovacuum and checkpoint of it; docs/benchmarks.md, design notes).
  run.say('letting Postgres absorb the backlog (VACUUM ANALYZE, CHECKPOINT)');
  execFileSync('psql', [TEST_ENV['DATABASE_URL'], '-qc', 'VACUUM ANALYZE']);
  execFileSync('psql', [TEST_ENV['DATABASE_URL'], '-qc', 'CHECKPOINT']);
}
