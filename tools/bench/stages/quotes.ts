import { baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, newBooking } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { postAtRate } from '../http-load';
import { percentiles } from '../latency';

/** POST /v1/quotes at 500/s for 10 s. */
export async function quotesStage(run: PlatformRun): Promise<void> {
  const bar = run.bars.create(5_000, 0, { stage: 'quotes 500/s   ', unit: 'requests' });
  const quoteBody = JSON.stringify(bookingEvent(newBooking({ startsAt: jstMinutesFromNow(24 * 60), endsAt: jstMinutesFromNow(30 * 60) }), 'booking.created', 1).data);
  // Steady state, not start-up: 3 s at the same rate first on the same connections, unmeasured
  // (JIT on both sides, keep-alive connections opened).
  run.say('quotes: 3 s warm-up at 500/s (not measured), then 10 s measured');
  const quotes = await postAtRate(`${baseUrl('pricing')}/v1/quotes`, { 'x-api-key': DEMO_API_KEY }, quoteBody, { perSecond: 500, seconds: 10, warmupSeconds: 3 });
  bar.update(5_000);
  run.results['quotes500'] = { ...percentiles(quotes.latencyMs), errors: quotes.errors };
}
