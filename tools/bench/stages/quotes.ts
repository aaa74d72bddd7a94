import { baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, newBooking } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { postAtRate } from '../http-load';
import { percentiles } from '../latency';

/** POST /v1/quotes at 500/s and 2,000/s, 10 s each after a warm-up, with CPU per quote. */
export async function quotesStage(run: PlatformRun): Promise<void> {
  const quoteBody = JSON.stringify(bookingEvent(newBooking({ startsAt: jstMinutesFromNow(24 * 60), endsAt: jstMinutesFromNow(30 * 60) }), 'com.kurumacover.booking.created', 1).data);
  for (const rate of [500, 2_000]) {
    const seconds = 10;
    const warmupSeconds = 3;
    const bar = run.bars.create(rate * seconds, 0, { stage: `quotes ${rate}/s`.padEnd(15), unit: 'requests' });
    // Steady state, not start-up: 3 s at the same rate first on the same connections, unmeasured
    // (JIT on both sides, keep-alive connections opened).
    run.say(`quotes: 3 s warm-up at ${rate}/s (not measured), then ${seconds} s measured`);
    const cpu = run.cpuWindow();
    const quotes = await postAtRate(`${baseUrl('pricing')}/v1/quotes`, { 'x-api-key': DEMO_API_KEY }, quoteBody, { perSecond: rate, seconds, warmupSeconds });
    bar.update(rate * seconds);
    // The window holds the warm-up too, so its requests count as units.
    run.results[`quotes${rate}`] = { ...percentiles(quotes.latencyMs), errors: quotes.errors, sentPerSec: quotes.sentPerSec, cpu: cpu.stop(rate * (seconds + warmupSeconds), 'quote') };
  }
}
