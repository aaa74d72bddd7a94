import type { MultiBar } from 'cli-progress';
import type { MqttClient } from 'mqtt';
import type { KafkaProbe, PlatformProcesses } from '../harness';

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
  /** When `policy.bound` was observed, by booking id. */
  boundAt: Map<string, number>;
  /** Alert `occurredAt` -> `claim.fnol-opened` observed, in ms, in arrival order. */
  fnolLatency: number[];
  /** Gateways on covered vehicles, registered by the first stage that asks (FNOL and telemetry share them). */
  devices: () => Promise<BenchDevice[]>;
}
