import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { DynamicSecurityClient } from '../../libs/data-access/messaging/src/mqtt/dynamic-security.client';
import { isPidAlive, tail, waitUntil } from './process-utils';

/**
 * The project's own Mosquitto: no anonymous access, per-device credentials and ACLs in the
 * dynamic-security plugin (changed at runtime over MQTT, no restart), persistence on so QoS 1
 * messages for persistent sessions survive a broker restart.
 */
export interface MosquittoOptions {
  stateDir: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  serviceUser: string;
  servicePassword: string;
}

const PLUGIN_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so'];

export function mosquittoPaths(stateDir: string) {
  const root = join(stateDir, 'mosquitto');
  return { root, conf: join(root, 'mosquitto.conf'), dynsec: join(root, 'dynamic-security.json'), pidFile: join(root, 'mosquitto.pid'), log: join(stateDir, 'logs', 'mosquitto.log') };
}

/** The same settings docker-compose mounts (infra/mosquitto/mosquitto.conf), with local paths. */
export function mosquittoConfig(o: { port: number; bind: string; dataDir: string; dynsecFile: string; plugin: string; log: string; pidFile?: string }): string {
  return [
    'per_listener_settings false',
    `listener ${o.port} ${o.bind}`,
    'allow_anonymous false',
    'persistence true',
    `persistence_location ${o.dataDir}/`,
    // Write QoS 1 state to disk every second so a broker restart loses at most a second of queue.
    'autosave_interval 1',
    'max_queued_messages 100000',
    'max_inflight_messages 200',
    'max_packet_size 1048576',
    `plugin ${o.plugin}`,
    `plugin_opt_config_file ${o.dynsecFile}`,
    `log_dest file ${o.log}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'connection_messages true',
    ...(o.pidFile ? [`pid_file ${o.pidFile}`, 'user root'] : []),
    '',
  ].join('\n');
}

async function canConnect(url: string, username: string, password: string): Promise<boolean> {
  try {
    const client = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, connectTimeout: 1_000, protocolVersion: 5 });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

export function mosquittoRunning(stateDir: string): boolean {
  const { pidFile } = mosquittoPaths(stateDir);
  return existsSync(pidFile) && isPidAlive(Number(readFileSync(pidFile, 'utf8')));
}

export async function startMosquitto(o: MosquittoOptions, say: (msg: string) => void): Promise<void> {
  const paths = mosquittoPaths(o.stateDir);
  const plugin = PLUGIN_CANDIDATES.find((p) => existsSync(p));
  if (!plugin) throw new Error('Mosquitto dynamic-security plugin not found: install the mosquitto package (2.0 or later)');
  mkdirSync(paths.root, { recursive: true });
  mkdirSync(join(o.stateDir, 'logs'), { recursive: true });
  if (!existsSync(paths.dynsec)) {
    const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', paths.dynsec, o.adminUser, o.adminPassword], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr || init.stdout}`);
    say('Mosquitto dynamic-security initialised');
  }
  writeFileSync(paths.conf, mosquittoConfig({ port: o.port, bind: '127.0.0.1', dataDir: paths.root, dynsecFile: paths.dynsec, plugin, log: paths.log, pidFile: paths.pidFile }));
  const run = spawnSync('mosquitto', ['-c', paths.conf, '-d'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`mosquitto failed to start: ${run.stderr}\n${existsSync(paths.log) ? tail(readFileSync(paths.log, 'utf8'), 15) : ''}`);
  const url = `mqtt://127.0.0.1:${o.port}`;
  await waitUntil('Mosquitto', () => canConnect(url, o.adminUser, o.adminPassword), 20_000, say);
}

/** Roles and the service account, idempotently, over the running broker. */
export async function provisionMosquitto(o: MosquittoOptions): Promise<void> {
  const admin = await DynamicSecurityClient.connect(`mqtt://127.0.0.1:${o.port}`, o.adminUser, o.adminPassword);
  try {
    await admin.ensurePlatformRoles();
    await admin.ensureServiceClient(o.serviceUser, o.servicePassword);
  } finally {
    await admin.close();
  }
}

export async function stopMosquitto(stateDir: string, say: (msg: string) => void): Promise<void> {
  const { pidFile } = mosquittoPaths(stateDir);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (!isPidAlive(pid)) return;
  say(`stopping Mosquitto (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  await waitUntil('Mosquitto to stop', async () => !isPidAlive(pid), 10_000, say).catch(() => process.kill(pid, 'SIGKILL'));
}

export { canConnect as mqttCanConnect };
