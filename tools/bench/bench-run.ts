import type { MultiBar } from 'cli-progress';
import type { MqttClient } from 'mqtt';
import type { KafkaProbe, PlatformProcesses } from '../harness';
import type { CpuWindow } from './cpu/cpu-window';

/** What every stage gets: where to write its figures and how to report progress. */
export interface BenchRun {
  root: string;
  /** The run's figures by name, written to bench/results/<timestamp>.json in stage order. */
  results: Record<string, unknown>;
  say: (message: string) => void;
  bars: MultiBar;
}

export interface BenchDevice {
  id: string;
  client: MqttClient;
}

/** The stages that measure the running services share one platform and one observer of its topics. */
export interface PlatformRun extends BenchRun {
  platform: PlatformProcesses;
  probe: KafkaProbe;
  /** The demo partner's booking topic, where the load goes in. */
  bookingTopic: string;
  /** Bookings in the sustained drain's backlog (`--backlog`, 20,000 by default). */
  backlog: number;
  /** `--bind-rates`: the bind stage's rates for a probe (100, 300 and 1,000 when absent). */
  bindRates?: number[];
  /** When `com.kurumacover.policy.bound` was observed, by booking id. */
  boundAt: Map<string, number>;
  /** Alert `occurredAt` -> `com.kurumacover.claim.fnol-opened` observed, in ms, in arrival order. */
  fnolLatency: number[];
  /** Gateways on covered vehicles, registered by the first stage that asks (FNOL and telemetry share them). */
  devices: () => Promise<BenchDevice[]>;
  /** Starts counting the CPU of every platform process (tools/bench/cpu); `stop(units, unit)` gives CPU per unit of work. */
  cpuWindow: () => CpuWindow;
}
