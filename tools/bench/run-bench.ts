import { MultiBar, Presets } from 'cli-progress';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { APP_PORTS, type AppName, KafkaProbe, PlatformProcesses, setupStack, teardownStack, TEST_ENV, testTopic } from '../harness';
import { startMoreInstances } from '../harness/chaos/instance-kills';
import { type BenchArgs, benchArgs } from './bench-args';
import { benchGateways, registerCoveredDevices } from './bench-devices';
import type { BenchDevice, BenchRun, PlatformRun } from './bench-run';
import { type CpuSources, CpuWindow, postmasterPid } from './cpu/cpu-window';
import { parseMachineStat } from './cpu/proc-stat';
import { type ServiceMemory, serviceMemory } from './memory';
import { publishRuns, publishBeforeAfter, readResults } from './publish';
import { type BenchResults, hopRows, summaryRows } from './report';
import { selectedStages, type Stage, STAGES } from './stage-selection';
import { PLATFORM_STAGES, STANDALONE_STAGES } from './stages';

const root = resolve(__dirname, '../..');

/**
 * `npm run bench`: one full run, `--runs 3` three in a row (the docs get medians and spreads),
 * or, with `--report` / `--before` / `--after`, only the docs rendered from existing result files.
 */
export async function runBench(argv: string[]): Promise<void> {
  const args = benchArgs(argv);
  if (args.report || args.before) {
    if (args.report) console.log(`updated ${publishRuns(root, readResults(args.report))}`);
    if (args.before) console.log(`updated ${publishBeforeAfter(root, readResults(args.before), readResults(args.after ?? []))}`);
    return;
  }
  const stages = selectedStages(argv);
  const partial = stages.size < STAGES.length;
  const runs: BenchResults[] = [];
  for (let i = 1; i <= args.runs; i++) {
    if (args.runs > 1) console.log(`\n[bench] ===== run ${i} of ${args.runs} =====`);
    runs.push(await runOnce(stages, args));
  }
  // A partial run (--only) is for working on one figure; the published tables stay full runs'.
  if (partial) return;
  console.log(`updated ${publishRuns(root, runs)}`);
}

/** The services `--instances` multiplies: the pipeline and the device intake (the console stays one). */
const BACK_END_SERVICES: readonly AppName[] = ['booking-ingest', 'pricing', 'policy', 'claims-trigger'];

/** Runs the selected stages against the stack and the five services, then writes the results. */
async function runOnce(stages: Set<Stage>, args: BenchArgs): Promise<BenchResults> {
  // Without a terminal (CI, a log file) the bars print a line every 5 s instead of redrawing.
  const bars = new MultiBar({ format: '{stage} |{bar}| {percentage}% | {value}/{total} {unit}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5_000 }, Presets.shades_classic);
  const say = (m: string) => (process.stdout.isTTY ? bars.log(`[bench] ${m}\n`) : console.log(`[bench] ${m}`));
  const partial = stages.size < STAGES.length;
  const load = machineLoadFrom();
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), ...(args.label ? { label: args.label } : {}), machine: machineFacts(), ...(partial ? { stages: [...stages] } : {}) };
  const run: BenchRun = { root, results, say, bars };

  await setupStack();
  for (const stage of STAGES) {
    const measure = STANDALONE_STAGES[stage];
    if (measure && stages.has(stage)) await measure(run);
  }

  // The platform, as real processes. The demo partner's rate limit (1,000/s, burst 2,000 by
  // default) would answer most of the 2,000/s quotes stage with 429: the bench measures pricing,
  // so it gives the partner room for its highest rate (the limiter still runs on every request).
  const platform = new PlatformProcesses({ ACCIDENT_WINDOW_MS: '0', DATABASE_POOL_SIZE: '16', PARTNER_RATE_LIMIT_PER_S: '5000', PARTNER_RATE_LIMIT_BURST: '10000' });
  const probe = new KafkaProbe({ retain: false });
  const boundAt = new Map<string, number>();
  const fnolLatency: number[] = [];
  await probe.observe([testTopic(Topics.policyEvents), testTopic(Topics.claimEvents)]);
  probe.onRecord((r) => {
    const e = r.json<{ type: string; data: { bookingId?: string; occurredAt?: string } }>();
    if (e.type === 'com.kurumacover.policy.bound' && r.key) boundAt.set(r.key, Date.now());
    if (e.type === 'com.kurumacover.claim.fnol-opened' && e.data.occurredAt) fnolLatency.push(Date.now() - Date.parse(e.data.occurredAt));
  });
  say('starting the five services');
  await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'ops-console']);
  if (args.instances > 1) {
    say(`starting ${args.instances - 1} more instance${args.instances > 2 ? 's' : ''} of each back-end service`);
    await startMoreInstances(platform, BACK_END_SERVICES, args.instances);
  }
  results['instances'] = args.instances;
  // Let start-up work finish before measuring (consumer groups settling, the console reading its
  // backfill, claims-trigger retiring orphaned MQTT sessions): these are not steady-state load.
  say('letting the services settle for 10 s');
  await new Promise((r) => setTimeout(r, 10_000));

  const gateways = benchGateways();
  let devices: Promise<BenchDevice[]> | undefined;
  const cpuSources: CpuSources = {
    services: () => platform.pids(),
    kafkaPort: Number(TEST_ENV['KAFKA_BROKERS'].split(',')[0]?.split(':').pop()),
    mqttPort: Number(new URL(TEST_ENV['MQTT_URL']).port || 1883),
    postmasterPid: await postmasterPid(TEST_ENV['DATABASE_URL']),
    database: new URL(TEST_ENV['DATABASE_URL']).pathname.slice(1),
    redisPort: Number(new URL(TEST_ENV['REDIS_URL']).port || 6379),
  };
  const shared = { ...run, platform, probe, bookingTopic: testTopic(PartnerTopics.bookingEvents('demo')), boundAt, fnolLatency, backlog: args.backlog, ...(args.bindRates ? { bindRates: args.bindRates } : {}), cpuWindow: () => new CpuWindow(cpuSources) };
  const platformRun: PlatformRun = { ...shared, devices: () => (devices ??= registerCoveredDevices(shared, gateways, args.fleet)) };
  // What the platform costs with nothing to do (consumers polling, housekeeping): every window's
  // CPU holds this baseline, which weighs most at low rates.
  say('platform at idle: 5 s of CPU with no load');
  const idle = shared.cpuWindow();
  await new Promise((r) => setTimeout(r, 5_000));
  results['idle'] = idle.stop(5, 'second');
  try {
    for (const stage of STAGES) {
      const measure = PLATFORM_STAGES[stage];
      if (measure && stages.has(stage)) await measure(platformRun);
    }
    await gateways.end();
    // Resident memory of each service after the runs.
    results['rssMb'] = platform.residentMemoryMb();
    // What the resident sets are made of (binary pages, V8 heap, Buffers, malloc): the memory target's evidence.
    const pids = platform.pids();
    results['memoryMb'] = await serviceMemory(Object.fromEntries((Object.keys(APP_PORTS) as AppName[]).filter((app) => pids[app] !== undefined).map((app) => [app, pids[app] as number])));
    for (const [app, m] of Object.entries(results['memoryMb'] as Record<string, ServiceMemory>)) {
      say(`memory ${app}: ${m.rss} MB resident = ${m.file} file-backed + ${m.anon} anonymous (V8 heap ${m.heapTotal ?? '?'} reserved, ${m.heapUsed ?? '?'} used; external ${m.external ?? '?'})`);
    }
  } finally {
    bars.stop();
    await platform.stopAll();
    await probe.close();
    await teardownStack();
  }

  results['finishedAt'] = new Date().toISOString();
  results['machineLoad'] = load();
  const dir = resolve(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${file}\n`);
  console.table(summaryRows(results as unknown as BenchResults));
  const hops = hopRows(results as unknown as BenchResults);
  if (hops.length) console.table(hops);
  else console.log('per-hop breakdown: n/a (no service reports kuruma_hop_seconds)');
  return results as unknown as BenchResults;
}

/** Over the whole run: how busy the machine was, how much the host stole, and the load average. */
function machineLoadFrom(): () => NonNullable<BenchResults['machineLoad']> {
  const loadAvg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const atStart = { load: loadAvg(), cpu: parseMachineStat(readFileSync('/proc/stat', 'utf8')) };
  return () => {
    const cpu = parseMachineStat(readFileSync('/proc/stat', 'utf8'));
    const total = cpu.total - atStart.cpu.total;
    const pct = (x: number) => Math.round((x / total) * 1000) / 10;
    return { loadAvg1AtStart: atStart.load, loadAvg1AtEnd: loadAvg(), busyPct: pct(cpu.busy - atStart.cpu.busy), stealPct: pct(cpu.steal - atStart.cpu.steal) };
  };
}

function machineFacts(): BenchResults['machine'] {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const mem = /MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return { cpus: (cpu.match(/^processor/gm) ?? []).length, model: /model name\s*:\s*(.*)/.exec(cpu)?.[1], memGb: Math.round(Number(mem?.[1] ?? 0) / 1024 / 1024), node: process.version };
}
