import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomUUID, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { mosquittoPaths } from '../../infra/local/mosquitto-broker';
import { DEMO_API_KEY, PlatformProcesses, publishAlert, putDevice, registerDevice, TEST_ENV } from '../../tools/harness';

x509.cryptoProvider.set(webcrypto as never);
const stack = loadStackConfig();
const serverCa = readFileSync(mosquittoPaths(stack.STACK_STATE_DIR).caFile);
const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

/** A gateway's own key pair and a signing request for it (the key never leaves the gateway). */
async function gatewayKey(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=gateway', keys: keys as never, signingAlgorithm: ec });
  return { keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), csrPem: csr.toString('pem') };
}

const connectWithCertificate = (url: string, key: string, cert: string, clientId?: string) =>
  mqtt.connectAsync(url, { protocolVersion: 5, key, cert, ca: serverCa, clientId, reconnectPeriod: 0, connectTimeout: 5_000 });

describe('per-device X.509: registration issues client certificates the broker takes as the identity', () => {
  const platform = new PlatformProcesses();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  let gateway: { keyPem: string; csrPem: string };
  let creds: DeviceCredentialsV1;

  beforeAll(async () => {
    await platform.start(['claims-trigger']);
    gateway = await gatewayKey();
    const res = await putDevice(DEMO_API_KEY, `sec-x509-${randomUUID().slice(0, 8)}`, `sec-car-${randomUUID().slice(0, 8)}`, gateway.csrPem);
    expect(res.status).toBe(200);
    creds = (await res.json()) as DeviceCredentialsV1;
  });
  afterAll(async () => {
    await platform.stopAll();
    await db.end();
  });

  it('issues a certificate for the device account (CN = username) and the device publishes with it, no password, its alert applied', async () => {
    const certificate = creds.mqtt.certificate;
    expect(certificate?.url).toMatch(/^mqtts:\/\//);
    expect(new X509Certificate(certificate?.pem ?? '').subject).toBe(`CN=${creds.mqtt.username}`);
    const device = await connectWithCertificate(certificate?.url ?? '', gateway.keyPem, certificate?.pem ?? '');
    const eventId = randomUUID();
    await publishAlert(device, creds.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.3 }));
    await device.endAsync();
    await expect.poll(async () => (await db.query('SELECT count(*)::int AS n FROM incident WHERE event_id = $1', [eventId])).rows[0].n, { timeout: 15_000 }).toBe(1);
  });

  it("confines a certificate device to its own topics and its own client id (it cannot open the intake's session)", async () => {
    const certificate = creds.mqtt.certificate;
    const other = await registerDevice(DEMO_API_KEY);
    const device = await connectWithCertificate(certificate?.url ?? '', gateway.keyPem, certificate?.pem ?? '', TEST_ENV['MQTT_CLIENT_ID']);
    await expect(device.publishAsync(other.mqtt.topics.crash, '{"eventId":"forged"}', { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    await device.endAsync();
    // The broker gave the connection the certificate's identity as client id, not the one asked for.
    const log = readFileSync(mosquittoPaths(stack.STACK_STATE_DIR).log, 'utf8');
    expect(log).not.toContain(`as ${TEST_ENV['MQTT_CLIENT_ID']} (p5, c1, k60, u'${creds.mqtt.username}')`);
    expect(log.split(`as ${creds.mqtt.username} (p5, c1, k60, u'${creds.mqtt.username}')`).length - 1).toBeGreaterThanOrEqual(1);
  });

  it('refuses a certificate from another CA, even with the right CN', async () => {
    const otherCa = mkdtempSync(join(tmpdir(), 'kuruma-rogue-ca-'));
    expect(spawnSync('sh', [resolve(__dirname, '../../infra/mosquitto/dev-certs.sh'), otherCa]).status).toBe(0);
    const csrFile = join(otherCa, 'gw.csr');
    const { keyPem, csrPem } = await gatewayKey();
    writeFileSync(csrFile, csrPem);
    const signed = spawnSync('openssl', ['x509', '-req', '-in', csrFile, '-CA', join(otherCa, 'device-ca.crt'), '-CAkey', join(otherCa, 'device-ca.key'), '-CAcreateserial', '-days', '1', '-subj', `/CN=${creds.mqtt.username}`], { encoding: 'utf8' });
    expect(signed.status).toBe(0);
    await expect(connectWithCertificate(creds.mqtt.certificate?.url ?? '', keyPem, signed.stdout)).rejects.toThrow();
  });

  it('answers 400 naming csr for a request that is not a valid certificate signing request, and changes nothing', async () => {
    const before = await registerDevice(DEMO_API_KEY);
    const bad = await putDevice(DEMO_API_KEY, before.deviceId, before.vehicleId, 'not a csr');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['csr']);
    const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], { protocolVersion: 5, username: before.mqtt.username, password: before.mqtt.password, clientId: before.mqtt.clientId, reconnectPeriod: 0 });
    await client.endAsync();
  });
});
