import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { DynamicSecurityClient, MqttRoles } from '../../libs/data-access/messaging/src/mqtt/dynamic-security.client';
import { isPidAlive, tail, waitUntil } from './process-utils';

/**
 * The project's own Mosquitto: no anonymous access, per-device credentials and ACLs in the
 * dynamic-security plugin (changed at runtime over MQTT, no restart), persistence on so QoS 1
 * messages for persistent sessions survive a broker restart.
 */
export interface MosquittoOptions {
  stateDir: string;
  port: number;
  /** Devices' TLS listener (server certificate from the local CA in `{stateDir}/mosquitto/tls`). */
  tlsPort: number;
  /** Devices' listener for client certificates issued by the device CA (identity = certificate CN). */
  x509Port: number;
  adminUser: string;
  adminPassword: string;
}

const PLUGIN_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so'];

const LEGACY_SHARED_INTAKE_ACCOUNT = 'kuruma-claims-trigger';

export function mosquittoPaths(stateDir: string) {
  const root = join(stateDir, 'mosquitto');
  const tlsDir = join(root, 'tls');
  return {
    root,
    conf: join(root, 'mosquitto.conf'),
    dynsec: join(root, 'dynamic-security.json'),
    pidFile: join(root, 'mosquitto.pid'),
    log: join(stateDir, 'logs', 'mosquitto.log'),
    tlsDir,
    /** The development CA devices trust (`tools/devices/publish-alert.cli.ts --ca`). */
    caFile: join(tlsDir, 'ca.crt'),
    /** The development CA claims-trigger signs device certificates with (MQTT_DEVICE_CA_*). */
    deviceCaFile: join(tlsDir, 'device-ca.crt'),
    deviceCaKeyFile: join(tlsDir, 'device-ca.key'),
  };
}

/** The same settings docker-compose mounts (infra/mosquitto/mosquitto.conf), with local paths. */
export function mosquittoConfig(o: { port: number; tlsPort: number; x509Port: number; bind: string; dataDir: string; tlsDir: string; dynsecFile: string; plugin: string; log: string; pidFile?: string }): string {
  return [
    'per_listener_settings false',
    `listener ${o.port} ${o.bind}`,
    'allow_anonymous false',
    // Nothing on the platform uses retained messages; without this a device could leave one on its
    // topics that every later subscriber receives (MQTT 5 clients that try are disconnected, 0x9A).
    'retain_available false',
    'persistence true',
    `persistence_location ${o.dataDir}/`,
    // Write QoS 1 state to disk every second so a broker restart loses at most a second of queue.
    'autosave_interval 1',
    'max_queued_messages 100000',
    // Bytes as well as messages per offline session: 100,000 alerts of ~300 bytes fit, 100,000
    // packets of max_packet_size (100 GB) do not, so one noisy device cannot exhaust the broker.
    'max_queued_bytes 33554432',
    'max_inflight_messages 200',
    'max_packet_size 1048576',
    // Nagle off on every client socket: an alert written while the previous one to the same
    // subscriber is unacknowledged would wait for that subscriber's delayed ACK (up to 40 ms).
    'set_tcp_nodelay true',
    `plugin ${o.plugin}`,
    `plugin_opt_config_file ${o.dynsecFile}`,
    `log_dest file ${o.log}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'connection_messages true',
    ...(o.pidFile ? [`pid_file ${o.pidFile}`, 'user root'] : []),
    // Devices connect over TLS; the plain listener above is for the platform's own network.
    `listener ${o.tlsPort} ${o.bind}`,
    `cafile ${o.tlsDir}/ca.crt`,
    `certfile ${o.tlsDir}/server.crt`,
    `keyfile ${o.tlsDir}/server.key`,
    'tls_version tlsv1.2',
    // Devices with a certificate from the device CA: the certificate's CN (`device:{deviceId}`) is
    // the username, and the client id too, so such a device can open no session but its own.
    `listener ${o.x509Port} ${o.bind}`,
    `cafile ${o.tlsDir}/device-ca.crt`,
    `certfile ${o.tlsDir}/server.crt`,
    `keyfile ${o.tlsDir}/server.key`,
    'require_certificate true',
    'use_identity_as_username true',
    'use_username_as_clientid true',
    'tls_version tlsv1.2',
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

/** claims-trigger's variables for issuing device certificates with the development device CA. */
export function devDeviceCaEnv(stateDir: string): Record<string, string> {
  const { deviceCaFile, deviceCaKeyFile } = mosquittoPaths(stateDir);
  return existsSync(deviceCaKeyFile) ? { MQTT_DEVICE_CA_CERT_FILE: deviceCaFile, MQTT_DEVICE_CA_KEY_FILE: deviceCaKeyFile } : {};
}

export function mosquittoRunning(stateDir: string): boolean {
  const { pidFile } = mosquittoPaths(stateDir);
  return existsSync(pidFile) && isPidAlive(Number(readFileSync(pidFile, 'utf8')));
}

function localConfig(o: MosquittoOptions): string {
  const paths = mosquittoPaths(o.stateDir);
  const plugin = PLUGIN_CANDIDATES.find((p) => existsSync(p));
  if (!plugin) throw new Error('Mosquitto dynamic-security plugin not found: install the mosquitto package (2.0 or later)');
  return mosquittoConfig({ port: o.port, tlsPort: o.tlsPort, x509Port: o.x509Port, bind: '127.0.0.1', dataDir: paths.root, tlsDir: paths.tlsDir, dynsecFile: paths.dynsec, plugin, log: paths.log, pidFile: paths.pidFile });
}

/** The project's Mosquitto runs with settings older than this checkout's (restart it; persistence keeps the sessions). */
export function mosquittoConfigOutdated(o: MosquittoOptions): boolean {
  const { conf } = mosquittoPaths(o.stateDir);
  return mosquittoRunning(o.stateDir) && (!existsSync(conf) || readFileSync(conf, 'utf8') !== localConfig(o));
}

export async function startMosquitto(o: MosquittoOptions, say: (msg: string) => void): Promise<void> {
  const paths = mosquittoPaths(o.stateDir);
  const config = localConfig(o);
  mkdirSync(paths.root, { recursive: true });
  mkdirSync(join(o.stateDir, 'logs'), { recursive: true });
  if (!existsSync(paths.dynsec)) {
    const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', paths.dynsec, o.adminUser, o.adminPassword], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr || init.stdout}`);
    say('Mosquitto dynamic-security initialised');
  }
  const certs = spawnSync('sh', [join(__dirname, '../mosquitto/dev-certs.sh'), paths.tlsDir], { encoding: 'utf8' });
  if (certs.status !== 0) throw new Error(`generating the development MQTT TLS certificates failed (is openssl installed?): ${certs.stderr || certs.stdout}`);
  writeFileSync(paths.conf, config);
  const run = spawnSync('mosquitto', ['-c', paths.conf, '-d'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`mosquitto failed to start: ${run.stderr}\n${existsSync(paths.log) ? tail(readFileSync(paths.log, 'utf8'), 15) : ''}`);
  const url = `mqtt://127.0.0.1:${o.port}`;
  await waitUntil('Mosquitto', () => canConnect(url, o.adminUser, o.adminPassword), 20_000, say);
}

/**
 * The platform's roles, idempotently, over the running broker. Accounts are not made here:
 * claims-trigger creates its intake's (one per client id) at start, registration the devices'.
 */
export async function provisionMosquitto(o: MosquittoOptions): Promise<void> {
  const admin = await DynamicSecurityClient.connect(`mqtt://127.0.0.1:${o.port}`, o.adminUser, o.adminPassword);
  try {
    await admin.ensurePlatformRoles();
    // Earlier versions had one shared intake account, not bound to any client id: with its
    // password any client id, the intake's included, was open to it. It goes.
    const legacy = await admin.getAccount(LEGACY_SHARED_INTAKE_ACCOUNT);
    if (legacy && !legacy.clientid && legacy.roles.every((r) => r === MqttRoles.platformService)) await admin.deleteClient(LEGACY_SHARED_INTAKE_ACCOUNT);
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
