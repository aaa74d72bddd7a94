import type { ServiceMemory } from './memory';
import type { CpuWindowReport } from './cpu/cpu-window';
import type { HopFigures } from './hops';

/** A latency stage's figures (ms), with the rate the load generator actually held and its CPU. */
export interface LatencyStage {
  n: number;
  p50: number;
  p95?: number;
  p99: number;
  max?: number;
  sentPerSec?: number;
  cpu?: CpuWindowReport;
  hops?: Record<string, HopFigures>;
}

/** The figures a bench run produces (bench/results/*.json). */
export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  /** What code was measured, e.g. "before (7ca1a7d)"; `--label`. */
  label?: string;
  /** Instances of each back-end service (`--instances`); absent in results from before the option (one). */
  instances?: number;
  /** Present in partial runs (`--only`). */
  stages?: string[];
  machine: { cpus: number; model?: string; memGb: number; node: string };
  /** Load average and the share of the run the host stole or other work took: how noisy the machine was. */
  machineLoad?: { loadAvg1AtStart: number; loadAvg1AtEnd: number; busyPct: number; stealPct: number };
  engine?: { quotesPerSec: number };
  kafkaCeiling?: { producerRecordsPerSec: number; producerMbPerSec: number; endToEndP50Ms: number; endToEndP99Ms: number };
  postgresCeiling?: { singleRowInsertsPerSec: number; batchedRowsPerSec: number };
  quotes500?: LatencyStage & { errors: number };
  quotes2000?: LatencyStage & { errors: number };
  /** 1,000 bookings at 50/s before the bind windows, so they measure warm services (stages/bind.ts); not in the tables. */
  bindWarmUp?: LatencyStage & { lost: number };
  bind100?: LatencyStage & { lost: number };
  bind300?: LatencyStage & { lost: number };
  bind1000?: LatencyStage & { lost: number };
  /** `firstDrain`: the default backlog's drain, when it was too short and a larger one was measured instead. */
  bindSustained?: { boundPerSec: number; lost: number; bookings?: number; drainSeconds?: number; cpu?: CpuWindowReport; firstDrain?: { bookings: number; drainSeconds: number; boundPerSec: number } };
  fnol200?: LatencyStage;
  fnol1000?: LatencyStage;
  telemetry?: { perSec: number; messages?: number; processed?: number; lost?: number; sentPerSec?: number; cpu?: CpuWindowReport };
  /** 5 s with the services up and no load: `cpuMsPerUnit` is the platform's idle CPU ms per second. */
  idle?: CpuWindowReport;
  rssMb?: Record<string, number>;
  /** What each service's resident set is made of, read right after `rssMb` (memory.ts). */
  memoryMb?: Record<string, ServiceMemory>;
}
