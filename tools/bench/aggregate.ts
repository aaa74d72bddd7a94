/** Median and spread of one figure over several runs (runs that lack it are left out, not counted as zero). */
export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function spread(values: (number | undefined)[]): Spread | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (!present.length) return undefined;
  const mid = Math.floor(present.length / 2);
  const median = present.length % 2 ? (present[mid] as number) : ((present[mid - 1] as number) + (present[mid] as number)) / 2;
  return { n: present.length, median, min: present[0] as number, max: present.at(-1) as number };
}

export const fmt = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits }));

/** "1,035 [585-1,176]": the median, then the range of the runs; a single run shows no range. */
export function formatSpread(s: Spread | undefined, digits = 0): string {
  if (!s) return 'n/a';
  return s.n > 1 ? `${fmt(s.median, digits)} [${fmt(s.min, digits)}-${fmt(s.max, digits)}]` : fmt(s.median, digits);
}
