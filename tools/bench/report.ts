import { fmt, formatSpread, spread } from './aggregate';
import { CEILING_FIGURES, CPU_FIGURES, type Figure, LOAD_FIGURES, otherCores, PLATFORM_FIGURES } from './figures';
import type { BenchResults, LatencyStage } from './results';

export type { BenchResults } from './results';

const ALL_FIGURES = [...CPU_FIGURES, ...PLATFORM_FIGURES, ...LOAD_FIGURES, ...CEILING_FIGURES];
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const verdict = (f: Figure, median: number | undefined) => (median === undefined || !f.target?.met ? '' : f.target.met(median) ? 'met' : 'missed');

/** Which runs a table summarises, and on what machine and under what load. */
export function runsCaption(runs: BenchResults[]): string {
  const m = runs[0]?.machine;
  const labels = [...new Set(runs.map((r) => r.label).filter(Boolean))];
  const instances = [...new Set(runs.map((r) => r.instances ?? 1))];
  const steal = spread(runs.map((r) => r.machineLoad?.stealPct));
  const load = spread(runs.map((r) => r.machineLoad?.loadAvg1AtStart));
  return [
    `${runs.length} run${runs.length === 1 ? '' : 's'} (${runs.map((r) => r.startedAt.slice(0, 16).replace('T', ' ')).join(', ')} UTC)${labels.length ? `, ${labels.join(', ')}` : ''}`,
    instances.some((n) => n > 1) ? `, ${instances.join(' and ')} instances of each back-end service` : '',
    m ? ` on ${m.cpus} cores (${m.model ?? 'unknown CPU'}), ${m.memGb} GB, Node ${m.node}` : '',
    steal ? `; host steal ${formatSpread(steal, 1)} % of the run, load average at start ${formatSpread(load, 1)}.` : '; machine load not recorded.',
    ' Each figure is the median of the runs with their range in brackets; Kafka, Postgres, Redis, Mosquitto, the five services and the load generator share the cores.',
  ].join('');
}

/** Each figure's median [min-max] over the runs, next to its target, then the ceilings of the same runs. */
export function medianTable(runs: BenchResults[]): string {
  const rows = ALL_FIGURES.map((f) => {
    const s = spread(runs.map(f.read));
    return [f.name, formatSpread(s, f.digits), f.target?.text ?? '', verdict(f, s?.median)];
  });
  return `${runsCaption(runs)}\n\n${table(['figure', 'median [min-max]', 'target', ''], rows)}\n`;
}

/** One row per run: how far apart runs of the same code land. */
export function runToRunTable(runs: BenchResults[]): string {
  const cols: [string, (r: BenchResults) => number | undefined, number?][] = [
    ['CPU ms/booking sustained', (r) => r.bindSustained?.cpu?.cpuMsPerUnit, 2],
    ['bound/s', (r) => r.bindSustained?.boundPerSec],
    ['bind p99 300/s', (r) => r.bind300?.p99],
    ['bind p99 1,000/s', (r) => r.bind1000?.p99],
    ['FNOL p99 200/s', (r) => r.fnol200?.p99],
    ['FNOL p99 1,000/s', (r) => r.fnol1000?.p99],
    ['quotes p99 500/s', (r) => r.quotes500?.p99, 1],
    ['quotes p99 2,000/s', (r) => r.quotes2000?.p99, 1],
    ['telemetry msg/s', (r) => r.telemetry?.perSec],
    ['max RSS MB', (r) => (r.rssMb ? Math.max(...Object.values(r.rssMb)) : undefined)],
    ['Kafka producer rec/s', (r) => r.kafkaCeiling?.producerRecordsPerSec],
    ['Postgres inserts/s', (r) => r.postgresCeiling?.singleRowInsertsPerSec],
    ['steal %', (r) => r.machineLoad?.stealPct, 1],
    ['other work, cores', otherCores, 2],
  ];
  const rows = runs.map((r) => [`${r.startedAt.slice(0, 16).replace('T', ' ')}${r.label ? ` ${r.label}` : ''}`, ...cols.map(([, read, digits]) => fmt(read(r), digits))]);
  return `${table(['run (UTC)', ...cols.map(([name]) => name)], rows)}\n`;
}

const HOP_STAGES: [string, (r: BenchResults) => LatencyStage | undefined][] = [
  ['bind 100/s', (r) => r.bind100],
  ['bind 300/s', (r) => r.bind300],
  ['bind 1,000/s', (r) => r.bind1000],
  ['FNOL 200/s', (r) => r.fnol200],
  ['FNOL 1,000/s', (r) => r.fnol1000],
];

/** Each hop's p50 / p99 (ms, median over the runs) in each stage; n/a where no service observed it. */
export function hopTable(runs: BenchResults[]): string {
  const hops = [...new Set(runs.flatMap((r) => HOP_STAGES.flatMap(([, stage]) => Object.keys(stage(r)?.hops ?? {}))))];
  if (!hops.length) return 'No service reported `kuruma_hop_seconds` in these runs: per-hop figures n/a.\n';
  const rows = hops.map((hop) => [
    `\`${hop}\``,
    ...HOP_STAGES.map(([, stage]) => {
      const p50 = spread(runs.map((r) => stage(r)?.hops?.[hop]?.p50Ms));
      const p99 = spread(runs.map((r) => stage(r)?.hops?.[hop]?.p99Ms));
      return p50 ? `${fmt(p50.median, 1)} / ${fmt(p99?.median, 1)}` : 'n/a';
    }),
  ]);
  // A quantile past the largest finite bucket can only be reported as that bound.
  return `${table(['hop: p50 / p99 ms', ...HOP_STAGES.map(([name]) => name)], rows)}\n\nEstimated inside the histogram's buckets; 5,000 means at or beyond its largest bucket (5 s).\n`;
}

const CPU_STAGES: [string, (r: BenchResults) => { cpu?: { byProcess: Record<string, number>; units: number; loadGeneratorCpuMs: number; machine: { otherCpuMs: number } } } | undefined][] = [
  ['per booking, sustained', (r) => r.bindSustained],
  ['per booking at 300/s', (r) => r.bind300],
  ['per FNOL claim at 200/s', (r) => r.fnol200],
  ['per quote at 500/s', (r) => r.quotes500],
  ['per telemetry message', (r) => r.telemetry],
  ['per second at idle', (r) => (r.idle ? { cpu: r.idle } : undefined)],
];

/** Where each unit's CPU goes: per process, median over the runs (CPU ms per unit, 3 decimals). */
export function cpuBreakdownTable(runs: BenchResults[]): string {
  const processes = [...new Set(runs.flatMap((r) => CPU_STAGES.flatMap(([, s]) => Object.keys(s(r)?.cpu?.byProcess ?? {}))))].sort();
  if (!processes.length) return 'No CPU accounting in these runs.\n';
  const perUnit = (cpuMs: (c: NonNullable<ReturnType<(typeof CPU_STAGES)[number][1]>>['cpu']) => number | undefined) =>
    CPU_STAGES.map(([, s]) => fmt(spread(runs.map((r) => { const c = s(r)?.cpu; const v = c ? cpuMs(c) : undefined; return c && v !== undefined && c.units > 0 ? v / c.units : undefined; }))?.median, 3));
  const rows = [
    ...processes.map((p) => [p, ...perUnit((c) => c?.byProcess[p] ?? 0)]),
    ['**platform, all processes**', ...perUnit((c) => (c ? Object.values(c.byProcess).reduce((a, b) => a + b, 0) : undefined))],
    ['**load generator** (not in the platform figure)', ...perUnit((c) => c?.loadGeneratorCpuMs)],
    ['**everything else on the machine** (other sessions)', ...perUnit((c) => c?.machine.otherCpuMs)],
  ];
  return `${table(['process: CPU ms per unit', ...CPU_STAGES.map(([name]) => name)], rows)}\n`;
}

/** Before and after: each set's median [spread], and after / before of the medians. */
export function beforeAfterTable(before: BenchResults[], after: BenchResults[]): string {
  const label = (runs: BenchResults[], fallback: string) => runs.find((r) => r.label)?.label ?? fallback;
  const rows = ALL_FIGURES.map((f) => {
    const b = spread(before.map(f.read));
    const a = spread(after.map(f.read));
    const ratio = a && b && b.median !== 0 ? `${fmt(a.median / b.median, 2)}` : '';
    return [f.name, formatSpread(b, f.digits), after.length ? formatSpread(a, f.digits) : '', ratio, f.target?.text ?? ''];
  });
  const caption = [`Before: ${runsCaption(before)}`, after.length ? `After: ${runsCaption(after)}` : 'After: not measured yet.'].join('\n\n');
  return `${caption}\n\n${table(['figure', label(before, 'before'), after.length ? label(after, 'after') : 'after', 'after / before', 'target'], rows)}\n`;
}

/** docs/benchmarks.md keeps its prose; only what sits between `<!-- bench:<name>:start -->` and its end marker is rewritten. */
export function rewriteSection(doc: string, name: string, content: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const [head, rest] = doc.split(start);
  if (rest === undefined || !rest.includes(end)) throw new Error(`docs/benchmarks.md has no ${start} ... ${end} markers`);
  return `${head}${start}\n${content}${end}${rest.slice(rest.indexOf(end) + end.length)}`;
}

/** The console summary at the end of a run: each figure next to its target. */
export function summaryRows(r: BenchResults): Record<string, string | number | undefined>[] {
  return ALL_FIGURES.map((f) => ({ figure: f.name, platform: fmt(f.read(r), f.digits), target: f.target?.text ?? '' }));
}

/** The hops of one run, for the console. */
export function hopRows(r: BenchResults): Record<string, string>[] {
  return HOP_STAGES.flatMap(([stage, read]) => Object.entries(read(r)?.hops ?? {}).map(([hop, h]) => ({ stage, hop, n: fmt(h.n), p50: fmt(h.p50Ms, 1), p99: fmt(h.p99Ms, 1) })));
}
