import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { devServiceKafkaEnv } from '../../infra/local/kafka-access';
import { instanceEnv, portVariable, SERVICE_ENV, serviceNodeArgs } from '../../infra/local/service-runtime';
import { DIST_DIR, TEST_ENV } from './test-env';

export const APP_PORTS = {
  'ops-console': Number(TEST_ENV['OPS_CONSOLE_PORT']),
  'booking-ingest': Number(TEST_ENV['BOOKING_INGEST_PORT']),
  pricing: Number(TEST_ENV['PRICING_PORT']),
  policy: Number(TEST_ENV['POLICY_PORT']),
  'claims-trigger': Number(TEST_ENV['CLAIMS_TRIGGER_PORT']),
  'partner-webhooks': Number(TEST_ENV['PARTNER_WEBHOOKS_PORT']),
} as const;
export type AppName = keyof typeof APP_PORTS;

const root = resolve(__dirname, '../..');
const logDir = resolve(root, 'tmp/test-logs');

/**
 * Runs the built services as real processes with the test environment, the way `npm start` does,
 * so end-to-end tests cross the same process, network and broker boundaries as production.
 */
export class PlatformProcesses {
  private readonly children = new Map<AppName, ChildProcess>();
  private readonly extras = new Map<string, ChildProcess>();
  /** How each extra instance was started, to start it again after a kill. */
  private readonly extraSpecs = new Map<string, { app: AppName; env: Record<string, string> }>();

  constructor(private readonly extraEnv: Record<string, string> = {}) {
    // Never leave services behind when the runner dies (they would hold the ports).
    process.once('exit', () => {
      for (const child of [...this.children.values(), ...this.extras.values()]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }

  /** Starts `apps` and waits until each is ready (a first start on a busy machine may need longer than the default). */
  async start(apps: AppName[], readyTimeoutMs = 180_000): Promise<void> {
    mkdirSync(logDir, { recursive: true });
    for (const app of apps) this.spawn(app);
    // All at once on a busy machine: each alone is ready in seconds, together they may take minutes.
    await Promise.all(apps.map((app) => waitReady(app, readyTimeoutMs)));
  }

  private spawn(app: AppName, name: string = app, env: Record<string, string> = {}): ChildProcess {
    const log = createWriteStream(resolve(logDir, `${name}.log`), { flags: 'a' });
    // KURUMA_CPU_PROF_DIR: each service writes a V8 CPU profile there when it exits (profiling the bench).
    const profile = process.env['KURUMA_CPU_PROF_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['KURUMA_CPU_PROF_DIR']}`] : [];
    // KURUMA_NODE_ARGS: extra Node flags for every service (e.g. --heapsnapshot-signal=SIGUSR2).
    profile.push(...(process.env['KURUMA_NODE_ARGS'] ?? '').split(' ').filter(Boolean));
    const child = spawn(process.execPath, [...serviceNodeArgs(app), ...profile, resolve(root, DIST_DIR, 'apps', app, 'main.js')], {
      cwd: root,
      // Each service authenticates to Kafka as its own principal (service.<app>).
      env: { ...SERVICE_ENV, ...process.env, ...TEST_ENV, ...devServiceKafkaEnv(app), ...this.extraEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Two sources share one file: neither may end it (the other would then write after end).
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => log.end());
    if (name === app) this.children.set(app, child);
    return child;
  }

  /**
   * Another instance of a service, as `npm start -- --instances` runs it (instanceEnv: its own HTTP
   * ports and MQTT client id, the same consumer groups and share group), e.g. to make a consumer
   * group rebalance or to take over from a killed one. Instance numbers count from 1 (the first is
   * started by start()); by default the next free one.
   */
  async startExtra(app: AppName, name: string, instance = this.extras.size + 1, readyTimeoutMs = 120_000): Promise<void> {
    const env = instanceEnv(app, instance, { port: APP_PORTS[app], claimsOpsPort: Number(TEST_ENV['CLAIMS_TRIGGER_OPS_PORT']), mqttClientId: TEST_ENV['MQTT_CLIENT_ID'] as string });
    this.extraSpecs.set(name, { app, env });
    this.extras.set(name, this.spawn(app, name, env));
    await waitForUrl(`http://127.0.0.1:${env[portVariable(app)]}/health/ready`, readyTimeoutMs, name);
  }

  async stopExtra(name: string): Promise<void> {
    await signalAndWait(this.extras.get(name), 'SIGTERM');
    this.extras.delete(name);
    this.extraSpecs.delete(name);
  }

  /**
   * Restarts a process by name (a service's first instance or an extra one) if it is not running,
   * as a supervisor would after a crash, and waits until it is ready. Killing comes first when it runs.
   */
  async restartByName(name: string, readyTimeoutMs = 120_000): Promise<void> {
    const spec = this.extraSpecs.get(name);
    if (!spec) return this.restart(name as AppName);
    await signalAndWait(this.extras.get(name), 'SIGKILL');
    this.extras.set(name, this.spawn(spec.app, name, spec.env));
    await waitForUrl(`http://127.0.0.1:${spec.env[portVariable(spec.app)]}/health/ready`, readyTimeoutMs, name);
  }

  /** Every extra instance that has died (killed by a fault) started again, then all of them ready. */
  async ensureExtrasRunning(): Promise<void> {
    await Promise.all(
      [...this.extraSpecs.keys()].map(async (name) => {
        const child = this.extras.get(name);
        if (child && child.exitCode === null && child.signalCode === null) {
          const spec = this.extraSpecs.get(name) as { app: AppName; env: Record<string, string> };
          return waitForUrl(`http://127.0.0.1:${spec.env[portVariable(spec.app)]}/health/ready`, 120_000, name);
        }
        return this.restartByName(name);
      }),
    );
  }

  /** kill -9 of one process by its name: a service (its first instance) or an extra instance. */
  async killByName(name: string): Promise<void> {
    await signalAndWait(this.children.get(name as AppName) ?? this.extras.get(name), 'SIGKILL');
  }

  /** Restarts `app` if it is not running (after a fault), then waits until it is ready. */
  async ensureRunning(app: AppName): Promise<void> {
    const child = this.children.get(app);
    if (!child || child.exitCode !== null || child.signalCode !== null) this.spawn(app);
    await waitReady(app);
  }

  /** kill -9: no graceful shutdown, exactly what a crash or OOM kill looks like. */
  async kill(app: AppName): Promise<void> {
    await signalAndWait(this.children.get(app), 'SIGKILL');
  }

  async restart(app: AppName): Promise<void> {
    await this.kill(app);
    this.spawn(app);
    await waitReady(app);
  }

  /** Process id of each running service and extra instance, by name (the bench reads their CPU from /proc). */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, child] of [...this.children, ...this.extras]) if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) out[name] = child.pid;
    return out;
  }

  /** Resident set size of each running service, from /proc (Linux). */
  residentMemoryMb(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [app, child] of this.children) {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kb) out[app] = Math.round(Number(kb) / 1024);
    }
    return out;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.children.values(), ...this.extras.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.children.clear();
    this.extras.clear();
    this.extraSpecs.clear();
  }
}

/** Sends `signal` to a running process and resolves once it has exited. */
async function signalAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

export const baseUrl = (app: AppName): string => `http://127.0.0.1:${APP_PORTS[app]}`;

export async function waitReady(app: AppName, timeoutMs = 120_000): Promise<void> {
  await waitForUrl(`${baseUrl(app)}/health/ready`, timeoutMs, app);
}

async function waitForUrl(url: string, timeoutMs: number, app: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = await res.text();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app} not ready within ${timeoutMs} ms: ${last} (see tmp/test-logs/${app}.log)`);
}
