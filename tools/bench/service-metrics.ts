/**
 * A service's Prometheus latency histogram over a window of the bench: scrape `/metrics` before
 * and after, and report which share of the window's observations fell within each bucket bound.
 * This splits an end-to-end figure (FNOL) into the parts the service itself measures.
 */
export type CumulativeBuckets = Map<string, number>;

/** Cumulative bucket counts (`le` -> count) of one histogram, summed over its label sets. */
export function parseHistogram(metricsText: string, name: string): CumulativeBuckets {
  const buckets: CumulativeBuckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined || !Number.isFinite(count)) continue;
    buckets.set(le, (buckets.get(le) ?? 0) + count);
  }
  return buckets;
}

/** For each bound in ms, the share (0-1, two decimals) of the window's observations at or under it. */
export function windowShares(before: CumulativeBuckets, after: CumulativeBuckets): { n: number; withinMs: Record<string, number> } {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  const withinMs: Record<string, number> = {};
  for (const [le, count] of after) {
    if (le === '+Inf') continue;
    const inWindow = count - (before.get(le) ?? 0);
    withinMs[String(Number(le) * 1000)] = total > 0 ? Math.round((inWindow / total) * 100) / 100 : Number.NaN;
  }
  return { n: total, withinMs };
}

/** A counter's value, summed over its label sets. */
export function parseCounter(metricsText: string, name: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const scrape = async (serviceUrl: string): Promise<string> => (await fetch(`${serviceUrl}/metrics`)).text();

export async function scrapeHistogram(serviceUrl: string, name: string): Promise<CumulativeBuckets> {
  return parseHistogram(await scrape(serviceUrl), name);
}

export async function scrapeCounter(serviceUrl: string, name: string): Promise<number> {
  return parseCounter(await scrape(serviceUrl), name);
}
