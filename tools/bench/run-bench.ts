import { MultiBar, Presets } from 'cli-progress';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { KafkaProbe, PlatformProcesses, setupStack, teardownStack, testTopic } from '../harness';
import { benchGateways, registerCoveredDevices } from './bench-devices';
import type { BenchDevice, BenchRun, PlatformRun } from './bench-run';
import { type BenchResults, rewriteBenchmarkTable, summaryRows } from './report';
import { selectedStages, STAGES } from './stage-selection';
import { PLATFORM_STAGES, STANDALONE_STAGES } from './stages';

const root = resolve(__dirname, '../..');

/** Runs the selected stages against the stack and the five services, then writes the results. */
export async function runBench(argv: string[]): Promise<void> {
  // Without a terminal (CI, a log file) the bars print a line every 5 s instead of redrawing.
  const bars = new MultiBar({ format: '{stage} |{bar}| {percentage}% | {value}/{total} {unit}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5_000 }, Presets.shades_classic);
  const say = (m: string) => (process.stdout.isTTY ? bars.log(`[bench] ${m}\n`) : console.log(`[bench] ${m}`));
  const stages = selectedStages(argv);
  const partial = stages.size < STAGES.length;
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), machine: machineFacts(), ...(partial ? { stages: [...stages] } : {}) };
  const run: BenchRun = { root, results, say, bars };

  await setupStack();
  for (const stage of STAGES) {
    const measure = STANDALONE_STAGES[stage];
    if (measure && stages.has(stage)) await measure(run);
  }

  // The platform, as real processes.
  const platform = new PlatformProcesses({ ACCIDENT_WINDOW_MS: '0', DATABASE_POOL_SIZE: '16' });
  const probe = new KafkaProbe({ retain: false });
  const boundAt = new Map<string, number>();
  const fnolLatency: number[] = [];
  await probe.observe([testTopic(Topics.policyEvents), testTopic(Topics.claimEvents)]);
  probe.onRecord((r) => {
    const e = r.json<{ type: string; data: { bookingId?: string; occurredAt?: string } }>();
    if (e.type === 'policy.bound' && r.key) boundAt.set(r.key, Date.now());
    if (e.type === 'claim.fnol-opened' && e.data.occurredAt) fnolLatency.push(Date.now() - Date.parse(e.data.occurredAt));
  });
  say('starting the five services');
  await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'ops-console']);
  // Let start-up work finish before measuring (consumer groups settling, the console reading its
  // backfill, claims-trigger retiring orphaned MQTT sessions): these are not steady-state load.
  say('letting the services settle for 10 s');
  await new Promise((r) => setTimeout(r, 10_000));

  const gateways = benchGateways();
  const shared = { ...run, platform, probe, bookingTopic: testTopic(PartnerTopics.bookingEvents('demo')), boundAt, fnolLatency };
  let devices: Promise<BenchDevice[]> | undefined;
  const platformRun: PlatformRun = { ...shared, devices: () => (devices ??= registerCoveredDevices(shared, gateways)) };
  try {
    for (const stage of STAGES) {
      const measure = PLATFORM_STAGES[stage];
      if (measure && stages.has(stage)) await measure(platformRun);
    }
    await gateways.end();
    // Resident memory of each service after the runs.
    results['rssMb'] = platform.residentMemoryMb();
  } finally {
    bars.stop();
    await platform.stopAll();
    await probe.close();
    await teardownStack();
  }

  results['finishedAt'] = new Date().toISOString();
  const dir = resolve(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${file}\n`);
  console.table(summaryRows(results as unknown as BenchResults));
  // A partial run (--only) is for working on one figure; the published table stays a full run's.
  if (partial) return;
  const docs = resolve(root, 'docs/benchmarks.md');
  writeFileSync(docs, rewriteBenchmarkTable(readFileSync(docs, 'utf8'), results as unknown as BenchResults));
  console.log(`updated ${docs}`);
}

function machineFacts(): BenchResults['machine'] {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const mem = /MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return { cpus: (cpu.match(/^processor/gm) ?? []).length, model: /model name\s*:\s*(.*)/.exec(cpu)?.[1], memGb: Math.round(Number(mem?.[1] ?? 0) / 1024 / 1024), node: process.version };
}
