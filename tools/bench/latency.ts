/** Percentiles of a latency sample, in milliseconds (nearest-rank). */
export function percentiles(samplesMs: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : Number.NaN);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: sorted.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted.at(-1) ?? Number.NaN) };
}

/**
 * Open-loop load: calls `fire(i)` on a fixed schedule (`ratePerSecond`) for `seconds`, whether or
 * not earlier calls have finished, so a slow system cannot slow the load (no coordinated omission).
 */
export async function openLoop(ratePerSecond: number, seconds: number, fire: (i: number) => Promise<void>, onTick?: (sent: number) => void): Promise<{ sent: number; sentPerSec: number }> {
  const total = Math.round(ratePerSecond * seconds);
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Caught at once: a failure must not crash the run before the schedule ends.
    inflight.push(fire(i).catch((error: unknown) => void errors.push(error)));
    if (i % 50 === 0) onTick?.(i);
  }
  // The rate the generator actually held: calls issued over the time it took to issue them (the
  // last one is due one interval before the schedule's end).
  const issuedSeconds = (performance.now() - started) / 1000 + 1 / ratePerSecond;
  onTick?.(total);
  await Promise.all(inflight);
  if (errors.length) throw new AggregateError(errors, `${errors.length} of ${total} scheduled calls failed`);
  return { sent: total, sentPerSec: Math.round(total / issuedSeconds) };
}
