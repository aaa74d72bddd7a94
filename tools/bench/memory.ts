import { readFileSync } from 'node:fs';
import { type AppName, baseUrl } from '../harness';
import { parseCounter } from './service-metrics';

/**
 * Where a service's resident set goes, in MB: `rss` (VmRSS, the figure the target is on) splits
 * into `file` (mapped files: the node binary's pages, shared libraries) and `anon` (everything the
 * process allocated), and `anon` holds the V8 heap (`heapTotal` reserved, `heapUsed` live after
 * the last collection), `external` (Buffers and other memory V8 tracks outside its heap) and the
 * rest, malloc's arenas and V8's code space, that neither accounts for.
 */
export interface ServiceMemory {
  rss: number;
  anon: number;
  file: number;
  heapTotal?: number;
  heapUsed?: number;
  external?: number;
}

const mb = (kb: number): number => Math.round(kb / 1024);

/** `Rss`, `Anonymous` and file-backed pages from `/proc/<pid>/smaps_rollup` (kB), in MB. */
export function parseSmapsRollup(text: string): Pick<ServiceMemory, 'rss' | 'anon' | 'file'> {
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const rss = kb('Rss');
  const anon = kb('Anonymous');
  if (!Number.isFinite(rss) || !Number.isFinite(anon)) throw new Error('smaps_rollup has no Rss or Anonymous line');
  return { rss: mb(rss), anon: mb(anon), file: mb(rss - anon) };
}

/** A gauge from a Prometheus text exposition (prom-client's default Node metrics), in MB; `undefined` when the service does not export it. */
export function parseGaugeMb(metricsText: string, name: string): number | undefined {
  // Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*, nothing a pattern would read as syntax.
  const exported = new RegExp(`^${name}[ {]`, 'm').test(metricsText);
  return exported ? Math.round(parseCounter(metricsText, name) / 2 ** 20) : undefined;
}

/** Each service's memory split, read from /proc and its /metrics; a service that does not answer keeps the /proc figures. */
export async function serviceMemory(pids: Partial<Record<AppName, number>>): Promise<Record<string, ServiceMemory>> {
  const out: Record<string, ServiceMemory> = {};
  for (const [app, pid] of Object.entries(pids) as [AppName, number][]) {
    const memory: ServiceMemory = parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    try {
      const text = await (await fetch(`${baseUrl(app)}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      const heapTotal = parseGaugeMb(text, 'nodejs_heap_size_total_bytes');
      const heapUsed = parseGaugeMb(text, 'nodejs_heap_size_used_bytes');
      const external = parseGaugeMb(text, 'nodejs_external_memory_bytes');
      Object.assign(memory, heapTotal === undefined ? {} : { heapTotal }, heapUsed === undefined ? {} : { heapUsed }, external === undefined ? {} : { external });
    } catch {
      // The /proc split still says how much is code and how much allocation.
    }
    out[app] = memory;
  }
  return out;
}
