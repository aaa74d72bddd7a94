import { describe, expect, it } from 'vitest';
import { formatSpread, spread } from './aggregate';
import { beforeAfterTable, cpuBreakdownTable, hopTable, medianTable, rewriteSection, runToRunTable } from './report';
import type { BenchResults } from './results';

const cpu = (cpuMsPerUnit: number, units = 100) => ({
  unit: 'bound booking',
  units,
  seconds: 10,
  platformCpuMs: cpuMsPerUnit * units,
  cpuMsPerUnit,
  byProcess: { pricing: cpuMsPerUnit * units * 0.6, 'postgres-backends': cpuMsPerUnit * units * 0.4 },
  loadGeneratorCpuMs: 50,
  machine: { cores: 2, busyPct: 90, stealPct: 1, otherCpuMs: 200, loadAvg1: 3 },
  notes: [],
});

const run = (at: string, boundPerSec: number, cpuMs: number, extra: Partial<BenchResults> = {}): BenchResults => ({
  startedAt: `2026-12-01T${at}:00.000Z`,
  machine: { cpus: 2, model: 'Test CPU', memGb: 8, node: 'v20.19.0' },
  machineLoad: { loadAvg1AtStart: 2, loadAvg1AtEnd: 3, busyPct: 95, stealPct: 2 },
  bindSustained: { boundPerSec, lost: 0, cpu: cpu(cpuMs) },
  bind300: { n: 4_500, p50: 40, p99: 90, lost: 0, hops: { 'accepted-topic->pricing': { n: 4_500, p50Ms: 2, p99Ms: 9 } } },
  ...extra,
});

describe(spread.name, () => {
  it('gives the median and the range, leaving out runs without the figure', () => {
    expect(spread([3, undefined, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])?.median).toBe(2.5);
    expect(spread([undefined, Number.NaN])).toBeUndefined();
  });

  it('prints the median with its range, and a lone run without one', () => {
    expect(formatSpread(spread([585, 1_176, 1_035]))).toBe('1,035 [585-1,176]');
    expect(formatSpread(spread([7.25]), 1)).toBe('7.3');
    expect(formatSpread(undefined)).toBe('n/a');
  });
});

describe('docs tables', () => {
  const runs = [run('10:00', 600, 12, { idle: cpu(40, 5) }), run('10:10', 700, 10), run('10:20', 650, 11, { label: 'before (7ca1a7d)' })];

  it('shows each figure as median [range] next to its target and verdict', () => {
    const sut = medianTable(runs);
    expect(sut).toContain('3 runs (2026-12-01 10:00, 2026-12-01 10:10, 2026-12-01 10:20 UTC), before (7ca1a7d) on 2 cores (Test CPU)');
    expect(sut).toContain('| bookings bound/s, sustained | 650 [600-700] | >= 2,500 | missed |');
    expect(sut).toContain('| CPU ms per bound booking, sustained drain | 11 [10-12] | <= 1/3 of before |  |');
    expect(sut).toContain('| confirmed -> policy.bound p99 ms at 300/s | 90 [90-90] | <= 100 | met |');
    expect(sut).toContain('| Kafka producer records/s (ceiling) | n/a |');
    expect(sut).toContain('| CPU ms per second with no load (idle baseline) | 40 |');
  });

  it('keeps one row per run in the run-to-run table', () => {
    const sut = runToRunTable(runs).split('\n');
    expect(sut[2]).toMatch(/^\| 2026-12-01 10:00 \| 12 \| 600 \| 90 \| n\/a \|/);
    expect(sut[4]).toMatch(/^\| 2026-12-01 10:20 before \(7ca1a7d\) \| 11 \| 650 \|/);
  });

  it('renders each hop per stage, and n/a where no service observed it', () => {
    expect(hopTable(runs)).toContain('| `accepted-topic->pricing` | n/a | 2 / 9 | n/a | n/a | n/a |');
    expect(hopTable([run('10:00', 1, 1, { bind300: { n: 1, p50: 1, p99: 1, lost: 0 } })])).toMatch(/per-hop figures n\/a/);
  });

  it('splits CPU per unit by process, with the load generator and the rest of the machine apart', () => {
    const sut = cpuBreakdownTable(runs);
    expect(sut).toContain('| pricing | 6.6 | n/a |');
    expect(sut).toContain('| **load generator** (not in the platform figure) | 0.5 |');
  });

  it('puts before and after side by side with after / before of the medians', () => {
    const sut = beforeAfterTable(runs, [run('12:00', 2_600, 3.3, { label: 'after' }), run('12:10', 2_500, 3.7), run('12:20', 2_700, 3.5)]);
    expect(sut).toContain('| figure | before (7ca1a7d) | after | after / before | target |');
    expect(sut).toContain('| CPU ms per bound booking, sustained drain | 11 [10-12] | 3.5 [3.3-3.7] | 0.32 | <= 1/3 of before |');
    expect(beforeAfterTable(runs, [])).toContain('After: not measured yet.');
  });
});

describe(rewriteSection.name, () => {
  it('replaces only what sits between its markers, keeping the prose around them', () => {
    const doc = 'intro\n<!-- bench:runs:start -->\nold\n<!-- bench:runs:end -->\nprose\n<!-- bench:hops:start -->\nkeep\n<!-- bench:hops:end -->\n';
    expect(rewriteSection(doc, 'runs', 'new\n')).toBe('intro\n<!-- bench:runs:start -->\nnew\n<!-- bench:runs:end -->\nprose\n<!-- bench:hops:start -->\nkeep\n<!-- bench:hops:end -->\n');
    expect(() => rewriteSection(doc, 'cpu', 'x')).toThrow(/no <!-- bench:cpu:start -->/);
  });
});
