/** The figures a bench run produces (bench/results/*.json). */
export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; model?: string; memGb: number; node: string };
  engine?: { quotesPerSec: number };
  kafkaCeiling?: { producerRecordsPerSec: number; producerMbPerSec: number; endToEndP50Ms: number; endToEndP99Ms: number };
  postgresCeiling?: { singleRowInsertsPerSec: number; batchedRowsPerSec: number };
  quotes500?: { p50: number; p95: number; p99: number; errors: number };
  bind100?: { p50: number; p99: number; lost: number };
  bind300?: { p50: number; p99: number; lost: number };
  bindSustained?: { boundPerSec: number; lost: number };
  fnol200?: { p50: number; p99: number; n: number };
  telemetry?: { perSec: number };
  rssMb?: Record<string, number>;
}

const fmt = (x: number | undefined, digits = 0): string => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits }));
const ratio = (platform: number | undefined, ceiling: number | undefined, higherIsBetter = true): string =>
  platform && ceiling ? `${fmt(higherIsBetter ? (platform / ceiling) * 100 : (ceiling / platform) * 100, 1)}%` : 'n/a';
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'missed');

/** The table docs/benchmarks.md shows: each platform figure next to its ceiling and target. */
export function benchmarkTable(r: BenchResults): string {
  const k = r.kafkaCeiling;
  const rows: string[][] = [
    ['bookings bound per second, sustained (backlog of 20,000)', fmt(r.bindSustained?.boundPerSec), `Kafka producer ${fmt(k?.producerRecordsPerSec)} records/s; Postgres ${fmt(r.postgresCeiling?.batchedRowsPerSec)} rows/s batched`, ratio(r.bindSustained?.boundPerSec, k?.producerRecordsPerSec), '>= 1,000', verdict(r.bindSustained && r.bindSustained.boundPerSec >= 1_000)],
    ['confirmed -> policy.bound p50 / p99 at 100/s (ms)', `${fmt(r.bind100?.p50)} / ${fmt(r.bind100?.p99)}`, `Kafka end-to-end p99 ${fmt(k?.endToEndP99Ms)} ms per hop`, ratio(r.bind100?.p99, k?.endToEndP99Ms, false), '', ''],
    ['confirmed -> policy.bound p50 / p99 at 300/s (ms)', `${fmt(r.bind300?.p50)} / ${fmt(r.bind300?.p99)}`, `Kafka end-to-end p99 ${fmt(k?.endToEndP99Ms)} ms per hop`, ratio(r.bind300?.p99, k?.endToEndP99Ms, false), '<= 500', verdict(r.bind300 && r.bind300.p99 <= 500)],
    ['MQTT crash -> claim.fnol-opened p50 / p99 at 200/s (ms)', `${fmt(r.fnol200?.p50)} / ${fmt(r.fnol200?.p99)}`, `Kafka end-to-end p99 ${fmt(k?.endToEndP99Ms)} ms`, ratio(r.fnol200?.p99, k?.endToEndP99Ms, false), '<= 100', verdict(r.fnol200 && r.fnol200.p99 <= 100)],
    ['telemetry messages per second', fmt(r.telemetry?.perSec), `Postgres ${fmt(r.postgresCeiling?.singleRowInsertsPerSec)} single-row transactions/s`, ratio(r.telemetry?.perSec, r.postgresCeiling?.singleRowInsertsPerSec), '>= 5,000', verdict(r.telemetry && r.telemetry.perSec >= 5_000)],
    ['POST /v1/quotes p50 / p99 at 500/s (ms)', `${fmt(r.quotes500?.p50, 1)} / ${fmt(r.quotes500?.p99, 1)}${r.quotes500?.errors ? ` (${r.quotes500.errors} errors)` : ''}`, 'in-process engine below', '', '<= 10', verdict(r.quotes500 && r.quotes500.errors === 0 && r.quotes500.p99 <= 10)],
    ['tariff engine quotes per second (one core)', fmt(r.engine?.quotesPerSec), '', '', '>= 100,000', verdict(r.engine && r.engine.quotesPerSec >= 100_000)],
    ...Object.entries(r.rssMb ?? {}).map(([app, mb]) => [`${app} resident memory (MB)`, fmt(mb), '', '', '< 250', verdict(mb < 250)]),
  ];
  return [
    `Run of ${r.startedAt} on ${r.machine.cpus} cores (${r.machine.model ?? 'unknown CPU'}), ${r.machine.memGb} GB, Node ${r.machine.node}; the broker, Postgres, Redis, Mosquitto, the five services and the load generator share those cores.`,
    '',
    '| figure | platform | ceiling on this machine | platform / ceiling | target | |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/** docs/benchmarks.md keeps its prose; the table between the markers is this run's. */
export function rewriteBenchmarkTable(doc: string, r: BenchResults): string {
  const [head, rest] = doc.split('<!-- bench:table:start -->');
  const tail = rest?.split('<!-- bench:table:end -->')[1] ?? '';
  return `${head}<!-- bench:table:start -->\n${benchmarkTable(r)}<!-- bench:table:end -->${tail}`;
}

/** The console summary at the end of a run: each figure next to its target. */
export function summaryRows(r: BenchResults): Record<string, string | number | undefined>[] {
  return [
    { figure: 'engine quotes/s', platform: r.engine?.quotesPerSec, target: '>= 100,000' },
    { figure: 'Kafka producer ceiling records/s', platform: r.kafkaCeiling?.producerRecordsPerSec, target: '(ceiling)' },
    { figure: 'Kafka end-to-end p99 ms', platform: r.kafkaCeiling?.endToEndP99Ms, target: '(ceiling)' },
    { figure: 'Postgres single-row inserts/s', platform: r.postgresCeiling?.singleRowInsertsPerSec, target: '(ceiling)' },
    { figure: 'bookings bound/s sustained', platform: r.bindSustained?.boundPerSec, target: '>= 1,000' },
    { figure: 'bind p99 ms at 100/s', platform: r.bind100?.p99, target: '' },
    { figure: 'bind p99 ms at 300/s', platform: r.bind300?.p99, target: '<= 500' },
    { figure: 'FNOL p99 ms at 200/s', platform: r.fnol200?.p99, target: '<= 100' },
    { figure: 'POST /v1/quotes p99 ms at 500/s', platform: r.quotes500?.p99, target: '<= 10' },
    { figure: 'telemetry messages/s', platform: r.telemetry?.perSec, target: '' },
    ...Object.entries(r.rssMb ?? {}).map(([app, mb]) => ({ figure: `${app} RSS MB`, platform: mb, target: '< 250' })),
  ];
}
