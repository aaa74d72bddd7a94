import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from '@kuruma/domain-rating';

/** Quotes per second of the pure tariff engine, in process, over a spread of requests. */
export function engineQuotesPerSecond(durationMs: number): number {
  const now = new Date('2026-11-20T00:00:00+09:00');
  const requests: QuoteRequestV1[] = Array.from({ length: 1_000 }, (_, i) => ({
    bookingId: `bench-${i}`,
    partnerId: 'demo',
    startsAt: '2026-12-01T10:00:00+09:00',
    endsAt: new Date(Date.parse('2026-12-01T01:00:00Z') + (30 + (i % 96) * 45) * 60_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00'),
    plan: (['liability', 'standard', 'full'] as const)[i % 3] ?? 'standard',
    vehicle: { vehicleId: `v-${i}`, category: (['ordinary', 'small', 'kei'] as const)[i % 3] ?? 'ordinary', modelRatingClass: 1 + (i % 7), firstRegistration: '2022-04', eco: i % 2 === 0, asv: i % 3 === 0, plateClassification: '500', ownership: 'fleet', rental: false },
    driver: { driverId: `d-${i}`, age: 18 + (i % 60), licenceColour: (['gold', 'blue', 'green'] as const)[i % 3] ?? 'blue', grade: 1 + (i % 20), trustScore: i % 100, telematics: { score: i % 100, km: i * 7 } },
  }));
  for (let i = 0; i < 2_000; i++) priceQuote(requests[i % requests.length] as QuoteRequestV1, { now }); // warm-up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (let i = 0; i < 1_000; i++) priceQuote(requests[i] as QuoteRequestV1, { now });
    n += 1_000;
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

/**
 * The same measurement on the engine as it is deployed: bundled by esbuild into one file (as
 * `npm run build` bundles the pricing app) and run in a fresh Node process, so neither tsx's
 * per-module transform nor the bench's own heap colours the figure.
 */
export async function engineQuotesPerSecondBundled(durationMs: number, root: string): Promise<number> {
  const { build } = await import('esbuild');
  const { spawnSync } = await import('node:child_process');
  const { resolve } = await import('node:path');
  const outfile = resolve(root, 'tmp/bench/engine.cjs');
  await build({
    // Five rounds, the median reported: a burst of other work on the shared cores moves one round,
    // not the figure.
    stdin: {
      contents: `const { engineQuotesPerSecond } = require('./tools/bench/engine'); const r = [0, 1, 2, 3, 4].map(() => engineQuotesPerSecond(${Math.round(durationMs / 5)})).sort((a, b) => a - b); process.stdout.write(String(r[2]));`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: resolve(root, 'tsconfig.base.json'),
    loader: { '.json': 'json' },
    // This file imports esbuild for the build itself; the measured bundle never calls it.
    external: ['esbuild'],
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`engine bench failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}
