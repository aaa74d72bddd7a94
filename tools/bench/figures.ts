import type { BenchResults } from './results';

/** One figure of the bench, read from a run's results, with the target where it has one. */
export interface Figure {
  name: string;
  read: (r: BenchResults) => number | undefined;
  /** Lower is better for times and CPU, higher for throughput. */
  better: 'lower' | 'higher';
  digits?: number;
  /** `met` is absent where the target is relative (CPU per booking: a third of the before runs'). */
  target?: { text: string; met?: (x: number) => boolean };
}

const atMost = (limit: number, text = `<= ${limit.toLocaleString('en-US')}`) => ({ text, met: (x: number) => x <= limit });
const atLeast = (limit: number) => ({ text: `>= ${limit.toLocaleString('en-US')}`, met: (x: number) => x >= limit });
const largest = (values: Record<string, number> | undefined) => (values && Object.keys(values).length ? Math.max(...Object.values(values)) : undefined);

/** CPU per unit of work, summed over every platform process (issue #16: a third of today's per booking). */
export const CPU_FIGURES: Figure[] = [
  { name: 'CPU ms per bound booking, sustained drain', read: (r) => r.bindSustained?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2, target: { text: '<= 1/3 of before' } },
  { name: 'CPU ms per bound booking at 100/s', read: (r) => r.bind100?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per bound booking at 300/s', read: (r) => r.bind300?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per bound booking at 1,000/s', read: (r) => r.bind1000?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per FNOL claim at 200/s', read: (r) => r.fnol200?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per FNOL claim at 1,000/s', read: (r) => r.fnol1000?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per quote at 500/s', read: (r) => r.quotes500?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per quote at 2,000/s', read: (r) => r.quotes2000?.cpu?.cpuMsPerUnit, better: 'lower', digits: 2 },
  { name: 'CPU ms per telemetry message', read: (r) => r.telemetry?.cpu?.cpuMsPerUnit, better: 'lower', digits: 3 },
  { name: 'CPU ms per second with no load (idle baseline)', read: (r) => r.idle?.cpuMsPerUnit, better: 'lower', digits: 1 },
];

/** The target table, in its order, and the figures around them. */
export const PLATFORM_FIGURES: Figure[] = [
  { name: 'bookings bound/s, sustained', read: (r) => r.bindSustained?.boundPerSec, better: 'higher', target: atLeast(2_500) },
  { name: 'confirmed -> policy.bound p50 ms at 100/s', read: (r) => r.bind100?.p50, better: 'lower' },
  { name: 'confirmed -> policy.bound p99 ms at 100/s', read: (r) => r.bind100?.p99, better: 'lower' },
  { name: 'confirmed -> policy.bound p50 ms at 300/s', read: (r) => r.bind300?.p50, better: 'lower' },
  { name: 'confirmed -> policy.bound p99 ms at 300/s', read: (r) => r.bind300?.p99, better: 'lower', target: atMost(100) },
  { name: 'confirmed -> policy.bound p50 ms at 1,000/s', read: (r) => r.bind1000?.p50, better: 'lower' },
  { name: 'confirmed -> policy.bound p99 ms at 1,000/s', read: (r) => r.bind1000?.p99, better: 'lower', target: atMost(250) },
  { name: 'MQTT crash -> claim.fnol-opened p50 ms at 200/s', read: (r) => r.fnol200?.p50, better: 'lower' },
  { name: 'MQTT crash -> claim.fnol-opened p99 ms at 200/s', read: (r) => r.fnol200?.p99, better: 'lower', target: atMost(50) },
  { name: 'MQTT crash -> claim.fnol-opened p50 ms at 1,000/s', read: (r) => r.fnol1000?.p50, better: 'lower' },
  { name: 'MQTT crash -> claim.fnol-opened p99 ms at 1,000/s', read: (r) => r.fnol1000?.p99, better: 'lower', target: atMost(100) },
  { name: 'POST /v1/quotes p50 ms at 500/s', read: (r) => r.quotes500?.p50, better: 'lower', digits: 1 },
  { name: 'POST /v1/quotes p99 ms at 500/s', read: (r) => r.quotes500?.p99, better: 'lower', digits: 1, target: atMost(5) },
  { name: 'POST /v1/quotes p50 ms at 2,000/s', read: (r) => r.quotes2000?.p50, better: 'lower', digits: 1 },
  { name: 'POST /v1/quotes p99 ms at 2,000/s', read: (r) => r.quotes2000?.p99, better: 'lower', digits: 1, target: atMost(10) },
  { name: 'lock telemetry messages/s', read: (r) => r.telemetry?.perSec, better: 'higher', target: atLeast(20_000) },
  { name: 'telemetry messages lost', read: (r) => r.telemetry?.lost, better: 'lower', target: atMost(0, '0') },
  { name: 'bookings lost (all bind stages)', read: (r) => sumDefined([r.bindWarmUp?.lost, r.bind100?.lost, r.bind300?.lost, r.bind1000?.lost, r.bindSustained?.lost]), better: 'lower', target: atMost(0, '0') },
  { name: 'largest service resident memory MB', read: (r) => largest(r.rssMb), better: 'lower', target: atMost(150) },
  { name: 'tariff engine quotes/s (one core, no I/O)', read: (r) => r.engine?.quotesPerSec, better: 'higher' },
];

/** The rate the load generator actually held (open loop: below the target rate, the figures above understate the load). */
export const LOAD_FIGURES: Figure[] = [
  { name: 'load held: quotes/s sent at 500/s', read: (r) => r.quotes500?.sentPerSec, better: 'higher' },
  { name: 'load held: quotes/s sent at 2,000/s', read: (r) => r.quotes2000?.sentPerSec, better: 'higher' },
  { name: 'load held: bookings/s sent at 300/s', read: (r) => r.bind300?.sentPerSec, better: 'higher' },
  { name: 'load held: bookings/s sent at 1,000/s', read: (r) => r.bind1000?.sentPerSec, better: 'higher' },
  { name: 'load held: alerts/s sent at 200/s', read: (r) => r.fnol200?.sentPerSec, better: 'higher' },
  { name: 'load held: alerts/s sent at 1,000/s', read: (r) => r.fnol1000?.sentPerSec, better: 'higher' },
  { name: 'load held: telemetry messages/s sent', read: (r) => r.telemetry?.sentPerSec, better: 'higher' },
];

/** What this machine's Kafka and Postgres do with no application in the way, in the same runs. */
export const CEILING_FIGURES: Figure[] = [
  { name: 'Kafka producer records/s (ceiling)', read: (r) => r.kafkaCeiling?.producerRecordsPerSec, better: 'higher' },
  { name: 'Kafka end-to-end p99 ms (ceiling)', read: (r) => r.kafkaCeiling?.endToEndP99Ms, better: 'lower' },
  { name: 'Postgres single-row inserts/s (ceiling)', read: (r) => r.postgresCeiling?.singleRowInsertsPerSec, better: 'higher' },
  { name: 'Postgres rows/s in 100-row inserts (ceiling)', read: (r) => r.postgresCeiling?.batchedRowsPerSec, better: 'higher' },
  { name: 'machine: CPU stolen by the host, % of the run', read: (r) => r.machineLoad?.stealPct, better: 'lower', digits: 1 },
  { name: 'machine: load average at start', read: (r) => r.machineLoad?.loadAvg1AtStart, better: 'lower', digits: 1 },
  { name: 'machine: cores busy with other work during the stages', read: otherCores, better: 'lower', digits: 2 },
];

/** Mean over a run's measured windows of the CPU that was neither the platform nor the load generator, in cores. */
export function otherCores(r: BenchResults): number | undefined {
  const windows = [r.quotes500, r.quotes2000, r.bind100, r.bind300, r.bind1000, r.bindSustained, r.fnol200, r.fnol1000, r.telemetry].flatMap((s) => (s?.cpu ? [s.cpu] : []));
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  return seconds > 0 ? windows.reduce((a, w) => a + w.machine.otherCpuMs, 0) / 1000 / seconds : undefined;
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? present.reduce((a, b) => a + b, 0) : undefined;
}
