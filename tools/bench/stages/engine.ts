import type { BenchRun } from '../bench-run';
import { engineQuotesPerSecondBundled } from '../engine';

/** The pure tariff engine, before any service runs. */
export async function engineStage(run: BenchRun): Promise<void> {
  run.say('tariff engine: 3 s of quotes on one core, bundled as deployed');
  run.results['engine'] = { quotesPerSec: await engineQuotesPerSecondBundled(3_000, run.root) };
}
