/**
 * `npm start`: the whole platform on one machine. Brings up what is missing of the local stack,
 * migrates and seeds the database, builds and starts the five services, waits until every one is
 * ready and prints the URLs. Ctrl-C stops the services and whatever infrastructure this run
 * started (a stack that was already running is left as it was). `npm start -- --demo` also runs
 * the simulator gently so the console comes alive.
 *
 *   npm start -- [--demo] [--kafka-brokers 1|3] [--instances 1..4]
 *
 * `--kafka-brokers 3` (or KAFKA_CLUSTER_SIZE=3) runs a three-node Kafka cluster (replication
 * factor 3, min.insync.replicas=2); `--instances 2` runs two of each service: the same consumer
 * groups and MQTT share group, their own HTTP ports (+10) and MQTT client ids (README, "Operating
 * at scale").
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '@kuruma/data-access-db';
import { devServiceKafkaEnv } from '../infra/local/kafka-access';
import { instanceEnv, SERVICE_ENV, serviceNodeArgs } from '../infra/local/service-runtime';
import { ensureStack, stopStack } from '../infra/local/stack-control';
import { devDeviceCaEnv } from '../infra/local/mosquitto-broker';
import { loadStackConfig } from '../libs/platform/config/src/stack.config';
import { loadDatabaseUrl } from './tool-config';
import { seed } from './harness';

const root = resolve(__dirname, '..');
const APPS = [
  { name: 'booking-ingest', portVar: 'BOOKING_INGEST_PORT', port: 3001 },
  { name: 'pricing', portVar: 'PRICING_PORT', port: 3002 },
  { name: 'policy', portVar: 'POLICY_PORT', port: 3003 },
  { name: 'claims-trigger', portVar: 'CLAIMS_TRIGGER_PORT', port: 3004 },
  { name: 'partner-webhooks', portVar: 'PARTNER_WEBHOOKS_PORT', port: 3005 },
  { name: 'ops-console', portVar: 'OPS_CONSOLE_PORT', port: 3000 },
] as const;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (msg: string) => console.log(`[start +${elapsed()}] ${msg}`);

async function main(): Promise<void> {
  if (existsSync(resolve(root, '.env'))) process.loadEnvFile(resolve(root, '.env'));
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, 'kafka-brokers': { type: 'string' }, instances: { type: 'string', default: '1' } } });
  const demo = values.demo;
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 4) throw new Error(`--instances must be 1 to 4, not ${values.instances}`);
  if (values['kafka-brokers'] !== undefined) process.env['KAFKA_CLUSTER_SIZE'] = values['kafka-brokers'];

  say('local stack: Kafka, Postgres, Redis, Mosquitto');
  const stack = await ensureStack();
  // The services are given every broker of the cluster (KAFKA_CLUSTER_SIZE=3: three addresses).
  process.env['KAFKA_BROKERS'] = loadStackConfig().KAFKA_BROKERS.join(',');
  say('database: migrations and seed');
  const result = await migrate(loadDatabaseUrl(), resolve(root, 'prisma/migrations'), (line) => say(line));
  say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
  await seed();
  say('building services');
  execFileSync(process.execPath, [resolve(root, 'tools/build-app.mjs')], { cwd: root, stdio: 'inherit' });

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping services');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
          }),
      ),
    );
    if (stack.startedByThisRun.length) {
      say(`stopping what this run started: ${stack.startedByThisRun.join(', ')}`);
      await stopStack(stack.startedByThisRun);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const base = (app: (typeof APPS)[number]) => ({
    port: Number(process.env[app.portVar] ?? app.port),
    claimsOpsPort: Number(process.env['CLAIMS_TRIGGER_OPS_PORT'] ?? 3104),
    mqttClientId: process.env['MQTT_CLIENT_ID'] ?? 'kuruma-claims-trigger-1',
  });
  const running = APPS.flatMap((app) => Array.from({ length: instances }, (_, instance) => ({ ...app, instance, env: instanceEnv(app.name, instance, base(app)) })));
  for (const app of running) {
    const label = instances > 1 ? `${app.name}#${app.instance + 1}` : app.name;
    const child = spawn(process.execPath, [...serviceNodeArgs(app.name), resolve(root, 'dist/apps', app.name, 'main.js')], {
      cwd: root,
      // Development: claims-trigger issues device certificates with the local device CA, and each
      // service connects to Kafka as its own principal, with its development password.
      env: { ...SERVICE_ENV, ...devDeviceCaEnv(loadStackConfig().STACK_STATE_DIR), ...process.env, ...devServiceKafkaEnv(app.name), ...app.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[start] ${label} exited (${signal ?? code}); stopping the platform`);
        void stopAll(1);
      }
    });
    children.push(child);
  }

  say('waiting for every /health/ready');
  const urls = running.map((app) => ({ name: instances > 1 ? `${app.name}#${app.instance + 1}` : app.name, url: `http://localhost:${app.env[app.portVar] ?? base(app).port}` }));
  await Promise.all(urls.map((app) => waitReady(app.name, app.url)));
  console.log(`\nKuruma Cover is up (${elapsed()}):\n`);
  for (const app of urls) console.log(`  ${app.name.padEnd(18)} ${app.url}   (health: ${app.url}/health/ready, metrics: ${app.url}/metrics)`);
  console.log(`\n  Kafka ${process.env['KAFKA_BROKERS']} · MQTT ${process.env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1884'}`);
  console.log(`  Devices: ${process.env['MQTT_PUBLIC_URL'] ?? 'mqtts://127.0.0.1:8884'} (development CA: infra/local/.state/mosquitto/tls/ca.crt)`);
  console.log('  Sign in to the console with OPS_ADMIN_USER / OPS_ADMIN_PASSWORD (see .env.example). Ctrl-C stops.\n');

  if (demo) {
    say('demo: simulating a carshare fleet gently');
    const simulator = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'tools/simulate.ts'), '--rate', '2', '--duration', '8h', '--seed', '7', '--quiet'], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(simulator);
  }
}

async function waitReady(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) {
        say(`${name} ready`);
        return;
      }
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s: ${last}`);
}

main().catch((error: Error) => {
  console.error(`[start] failed: ${error.message}`);
  process.exit(1);
});
