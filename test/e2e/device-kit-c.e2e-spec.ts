import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import { Topics, type DeviceCredentialsV1 } from '@kuruma/contracts';
import { mosquittoPaths } from '../../infra/local/mosquitto-broker';
import { coveredVehicle, DEMO_API_KEY, DeviceGateways, KafkaProbe, PlatformProcesses, putDevice, TEST_ENV, testTopic } from '../../tools/harness';

const run = promisify(execFile);
const stack = loadStackConfig();
const hasCompiler = spawnSync('cc', ['--version']).status === 0;
if (!hasCompiler) console.warn('device-kit-c: no C compiler (cc) on this machine; the C device example is not tested (apt-get install gcc libmosquitto-dev)');

/** Runs the C example as a gateway would; the exit status and what it printed. */
async function crashAlert(binary: string, creds: DeviceCredentialsV1, args: { eventId: string; peakG: number; password?: string }) {
  const url = new URL(creds.mqtt.url);
  const argv = ['-H', url.hostname, '-p', url.port, '-i', creds.mqtt.clientId, '-u', creds.mqtt.username, '-P', args.password ?? creds.mqtt.password];
  argv.push('-t', creds.mqtt.topics.crash, '-e', args.eventId, '-g', String(args.peakG), '-c', mosquittoPaths(stack.STACK_STATE_DIR).caFile);
  try {
    const { stdout } = await run(binary, argv, { timeout: 60_000 });
    return { status: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { status: e.code ?? -1, out: e.stderr ?? '' };
  }
}

/**
 * The device kit's plain C example (examples/device-c, libmosquitto) is compiled with the
 * machine's C compiler and run against the stack's broker over TLS with a registered device's
 * credentials: its crash alert opens the claim, its republish is applied once, a wrong password
 * is a refusal it does not retry.
 */
describe.skipIf(!hasCompiler)('device kit: the C example publishes a crash alert that opens a claim', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const gateways = new DeviceGateways('e2e-c-gw');
  const policyTopic = testTopic(Topics.policyEvents);
  let binary: string;
  let vehicleId: string;
  let creds: DeviceCredentialsV1;
  const signals = async (eventId: string): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM claim_signal WHERE event_id = $1', [eventId])).rows[0].n;

  beforeAll(async () => {
    binary = join(mkdtempSync(join(tmpdir(), 'kuruma-device-c-')), 'crash_alert');
    await run('make', ['-C', resolve(__dirname, '../../examples/device-c'), `OUT=${binary}`]);
    await probe.observe([policyTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
    vehicleId = await coveredVehicle(probe);
    creds = await gateways.register(vehicleId);
  });
  afterAll(async () => {
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('delivers over TLS with username and password, and the claim opens on the bound policy', async () => {
    const eventId = `c-${randomUUID()}`;
    const result = await crashAlert(binary, creds, { eventId, peakG: 3.4 });
    expect(result).toMatchObject({ status: 0, out: expect.stringContaining(`delivered ${eventId}`) });
    await expect
      .poll(async () => (await db.query(`SELECT status, severity FROM claim WHERE vehicle_id = $1 AND partner_id = 'demo'`, [vehicleId])).rows, { timeout: 20_000 })
      .toEqual([{ status: 'provisional', severity: 'major' }]);
  });

  it('a republish with the same eventId is applied once', async () => {
    const eventId = `c-${randomUUID()}`;
    const after = `c-${randomUUID()}`;
    expect((await crashAlert(binary, creds, { eventId, peakG: 1.8 })).status).toBe(0);
    expect((await crashAlert(binary, creds, { eventId, peakG: 1.8 })).status).toBe(0);
    expect((await crashAlert(binary, creds, { eventId: after, peakG: 1.8 })).status).toBe(0);
    // A device's crash alerts are applied one at a time in arrival order: once the alert sent
    // after the republish is in, the republish has been handled.
    await expect.poll(() => signals(after), { timeout: 20_000 }).toBe(1);
    expect(await signals(eventId)).toBe(1);
  });

  it('delivers with a client certificate on the certificate listener, the key made by the gateway (openssl)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuruma-device-c-x509-'));
    const [key, csr, cert] = ['gw.key', 'gw.csr', 'gw.crt'].map((f) => join(dir, f));
    await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=gateway']);
    const registered = await putDevice(DEMO_API_KEY, `e2e-c-x509-${randomUUID().slice(0, 8)}`, vehicleId, readFileSync(csr, 'utf8'));
    const x509 = (await registered.json()) as DeviceCredentialsV1;
    writeFileSync(cert, x509.mqtt.certificate?.pem ?? '');
    const url = new URL(x509.mqtt.certificate?.url ?? '');
    const eventId = `c-${randomUUID()}`;
    const argv = ['-H', url.hostname, '-p', url.port, '-C', cert, '-K', key, '-c', mosquittoPaths(stack.STACK_STATE_DIR).caFile];
    const { stdout } = await run(binary, [...argv, '-i', x509.mqtt.clientId, '-u', x509.mqtt.username, '-t', x509.mqtt.topics.crash, '-e', eventId, '-g', '1.6'], { timeout: 60_000 });
    expect(stdout).toContain(`delivered ${eventId}`);
    await expect.poll(() => signals(eventId), { timeout: 20_000 }).toBe(1);
  });

  it('exits 2 without retrying when the broker refuses the password', async () => {
    const result = await crashAlert(binary, creds, { eventId: `c-${randomUUID()}`, peakG: 3.4, password: 'not-the-password' });
    expect(result.status).toBe(2);
    expect(result.out).toMatch(/connection refused/);
  });
});
