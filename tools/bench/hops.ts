import { APP_PORTS, type AppName, baseUrl } from '../harness';

/**
 * The per-hop breakdown: every service's `kuruma_hop_seconds{hop=...}` histogram, scraped before
 * and after a stage, and each hop's p50/p99 over that window estimated inside its buckets (the
 * way Prometheus's histogram_quantile does). A service without the metric contributes nothing;
 * a hop nobody observed is absent, and reported as n/a.
 */
export const HOP_METRIC = 'kuruma_hop_seconds';

/** Cumulative bucket counts by hop: upper bound in seconds (Infinity for +Inf) -> count. */
export type HopBuckets = Map<string, Map<number, number>>;

export interface HopFigures {
  n: number;
  p50Ms: number;
  p99Ms: number;
}

export function parseHopBuckets(metricsText: string, into: HopBuckets = new Map()): HopBuckets {
  const prefix = `${HOP_METRIC}_bucket{`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const hop = /hop="([^"]*)"/.exec(line)?.[1];
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (hop === undefined || le === undefined || !Number.isFinite(count)) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    const buckets = into.get(hop) ?? new Map<number, number>();
    buckets.set(bound, (buckets.get(bound) ?? 0) + count);
    into.set(hop, buckets);
  }
  return into;
}

/**
 * The q-quantile (0-1) of a window's observations from cumulative bucket counts, interpolated
 * linearly inside the bucket it falls in (from 0 for the first bucket). A quantile in the +Inf
 * bucket is reported as the highest finite bound: the histogram cannot say more.
 */
export function bucketQuantile(q: number, cumulative: [bound: number, count: number][]): number {
  const sorted = [...cumulative].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound;
      if (count === lowerCount) return bound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** Each hop's count, p50 and p99 (ms) over the window between two scrapes. */
export function hopWindow(before: HopBuckets, after: HopBuckets): Record<string, HopFigures> {
  const out: Record<string, HopFigures> = {};
  for (const [hop, buckets] of after) {
    const earlier = before.get(hop);
    const window: [number, number][] = [...buckets].map(([bound, count]) => [bound, count - (earlier?.get(bound) ?? 0)]);
    const n = Math.max(0, ...window.map(([, c]) => c));
    if (n === 0) continue;
    const inMs = (s: number) => Math.round(s * 10_000) / 10;
    out[hop] = { n, p50Ms: inMs(bucketQuantile(0.5, window)), p99Ms: inMs(bucketQuantile(0.99, window)) };
  }
  return out;
}

/** One scrape of every running service; a service that does not answer (or has no metric) adds nothing. */
export async function scrapeHops(apps: AppName[] = Object.keys(APP_PORTS) as AppName[]): Promise<HopBuckets> {
  const into: HopBuckets = new Map();
  await Promise.all(
    apps.map(async (app) => {
      const text = await fetch(`${baseUrl(app)}/metrics`)
        .then((r) => r.text())
        .catch(() => '');
      parseHopBuckets(text, into);
    }),
  );
  return into;
}

/** Scrape before, run the stage's window, scrape after: the hops of that window. */
export async function measureHops<T>(window: () => Promise<T>): Promise<{ result: T; hops: Record<string, HopFigures> }> {
  const before = await scrapeHops();
  const result = await window();
  return { result, hops: hopWindow(before, await scrapeHops()) };
}
