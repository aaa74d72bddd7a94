import 'reflect-metadata';
import { randomUUID, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { mosquittoPaths } from '../../infra/local/mosquitto-broker';
import { baseUrl, connectDevice, DEMO_API_KEY, deleteDevice, ensurePartner, PlatformProcesses, publishAlert, putDevice, registerDevice, TEST_ENV } from '../../tools/harness';

x509.cryptoProvider.set(webcrypto as never);
const stack = loadStackConfig();
const serverCa = readFileSync(mosquittoPaths(stack.STACK_STATE_DIR).caFile);
const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

const rotate = (apiKey: string, deviceId: string, body: unknown = {}) =>
  fetch(`${baseUrl('claims-trigger')}/v1/devices/${encodeURIComponent(deviceId)}/rotate-credentials`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Resolves when the broker ends the session (the device was kicked), with the DISCONNECT reason if one was sent. */
const kicked = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

/** The broker's answer to a connection attempt: 0 when it is accepted, else the CONNACK reason code. */
async function connackOf(connect: () => Promise<MqttClient>): Promise<number> {
  try {
    const client = await connect();
    await client.endAsync();
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

const alert = () => JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 0.4 });

async function gatewayKey(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=gateway', keys: keys as never, signingAlgorithm: ec });
  return { keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), csrPem: csr.toString('pem') };
}

describe('issue 18: a partner revokes a device or rotates its credentials, effective at once in the broker', () => {
  const platform = new PlatformProcesses();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  let rivalKey: string;

  beforeAll(async () => {
    await platform.start(['claims-trigger']);
    rivalKey = await ensurePartner(db, 'rival');
  });
  afterAll(async () => {
    await platform.stopAll();
    await db.end();
  });

  it("answers 404 to another partner's DELETE and rotation of a device; the device keeps working", async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    const device = await connectDevice(creds);
    const refused = await deleteDevice(rivalKey, creds.deviceId);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await rotate(rivalKey, creds.deviceId)).status).toBe(404);
    // Neither changed the account: the same session publishes, the same password logs in.
    await publishAlert(device, creds.mqtt.topics.crash, alert());
    expect(await connackOf(() => connectDevice(creds, { clientId: `${creds.mqtt.clientId}` }))).toBe(0);
    await device.endAsync();
    expect((await db.query('SELECT revoked_at FROM device WHERE id = $1', [creds.deviceId])).rows[0].revoked_at).toBeNull();
  });

  it('DELETE kicks the connected device, refuses its next login, marks it revoked with an audit entry; a second DELETE is 404', async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    const device = await connectDevice(creds);
    const gone = kicked(device);
    const res = await deleteDevice(DEMO_API_KEY, creds.deviceId);
    expect(res.status).toBe(204);
    await gone; // the live session ended without the device asking
    expect(device.connected).toBe(false);
    expect(await connackOf(() => connectDevice(creds))).toBe(0x87); // Not authorized: there is no such account any more

    const row = (await db.query('SELECT revoked_at, revoked_by FROM device WHERE id = $1', [creds.deviceId])).rows[0];
    expect(row.revoked_at).toBeInstanceOf(Date);
    expect(row.revoked_by).toBe('partner:demo');
    const audit = await db.query(`SELECT actor, role FROM audit_log WHERE target_type = 'device' AND target_id = $1 AND action = 'device.revoked'`, [creds.deviceId]);
    expect(audit.rows).toEqual([{ actor: 'partner:demo', role: 'partner' }]);

    expect((await deleteDevice(DEMO_API_KEY, creds.deviceId)).status).toBe(404);
    expect((await rotate(DEMO_API_KEY, creds.deviceId)).status).toBe(404);
  });

  it('answers every one of 40 registrations and then 40 DELETEs sent at once, with no 500, and the intake keeps working', async () => {
    // Each change holds a pool connection for its device lock and needs another for its statements:
    // unbounded, a burst took every connection for locks and each change timed out waiting (500).
    const ids = Array.from({ length: 40 }, () => `sec-burst-${randomUUID().slice(0, 8)}`);
    const registered = await Promise.all(ids.map((id) => putDevice(DEMO_API_KEY, id, `car-${id}`)));
    expect(registered.map((r) => r.status)).toEqual(ids.map(() => 200));
    const deleted = await Promise.all(ids.map((id) => deleteDevice(DEMO_API_KEY, id)));
    expect(deleted.map((r) => r.status)).toEqual(ids.map(() => 204));
    expect((await db.query('SELECT count(*)::int AS n FROM device WHERE id = ANY($1) AND revoked_at IS NOT NULL', [ids])).rows[0].n).toBe(40);
    const creds = await registerDevice(DEMO_API_KEY);
    const device = await connectDevice(creds);
    expect((await publishAlert(device, creds.mqtt.topics.crash, alert())).attempts).toBeGreaterThanOrEqual(1);
    await device.endAsync();
    expect((await deleteDevice(DEMO_API_KEY, creds.deviceId)).status).toBe(204);
  });

  it('keeps a revoked id its partner\'s: another partner cannot register it (409); the owner can register it afresh', async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    expect((await deleteDevice(DEMO_API_KEY, creds.deviceId)).status).toBe(204);
    expect((await putDevice(rivalKey, creds.deviceId, 'rival-car')).status).toBe(409);
    const again = await putDevice(DEMO_API_KEY, creds.deviceId, creds.vehicleId);
    expect(again.status).toBe(200);
    const fresh = (await again.json()) as DeviceCredentialsV1;
    const device = await connectDevice(fresh);
    expect((await publishAlert(device, fresh.mqtt.topics.crash, alert())).attempts).toBeGreaterThanOrEqual(1);
    await device.endAsync();
  });

  it('rotation answers new credentials, kicks the session on the old password and refuses the old password from then on', async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    const device = await connectDevice(creds);
    const gone = kicked(device);
    const res = await rotate(DEMO_API_KEY, creds.deviceId);
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as DeviceCredentialsV1;
    expect(rotated).toMatchObject({ deviceId: creds.deviceId, vehicleId: creds.vehicleId, mqtt: { username: creds.mqtt.username, clientId: creds.mqtt.clientId } });
    expect(rotated.mqtt.password).not.toBe(creds.mqtt.password);
    await gone;
    expect(await connackOf(() => connectDevice(creds))).toBe(0x87); // Mosquitto 2.0 answers a wrong password with Not authorized

    const eventId = randomUUID();
    const renewed = await connectDevice(rotated);
    // A hard crash on an uncovered car: recorded as an incident for ops once the PUBACK came.
    await publishAlert(renewed, rotated.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.3 }));
    await renewed.endAsync();
    await expect.poll(async () => (await db.query('SELECT count(*)::int AS n FROM incident WHERE event_id = $1', [eventId])).rows[0].n, { timeout: 15_000 }).toBe(1);
    const audit = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1 AND action = 'device.credentials-rotated'`, [creds.deviceId]);
    expect(audit.rows[0].n).toBe(1);
  });

  it('refuses a rotation body with an unknown field or a bad csr, naming it, and changes nothing', async () => {
    const creds = await registerDevice(DEMO_API_KEY);
    const unknown = await rotate(DEMO_API_KEY, creds.deviceId, { password: 'chosen-by-attacker' });
    expect(unknown.status).toBe(400);
    const bad = await rotate(DEMO_API_KEY, creds.deviceId, { csr: 'not a csr\u0000' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('csr');
    expect(await connackOf(() => connectDevice(creds))).toBe(0);
  });

  it('a certificate device: DELETE kicks its session; with the account gone its certificate still completes TLS but may publish nothing', async () => {
    const gateway = await gatewayKey();
    const res = await putDevice(DEMO_API_KEY, `sec-x509-rv-${randomUUID().slice(0, 8)}`, `sec-car-${randomUUID().slice(0, 8)}`, gateway.csrPem);
    const creds = (await res.json()) as DeviceCredentialsV1;
    const certificate = creds.mqtt.certificate;
    const connect = () => mqtt.connectAsync(certificate?.url ?? '', { protocolVersion: 5, key: gateway.keyPem, cert: certificate?.pem, ca: serverCa, reconnectPeriod: 0, connectTimeout: 5_000 });
    const device = await connect();
    const gone = kicked(device);
    expect((await deleteDevice(DEMO_API_KEY, creds.deviceId)).status).toBe(204);
    await gone;
    // Mosquitto 2.0 takes the certificate's CN as the identity without asking dynamic security,
    // and checks no revocation list: the connection is accepted, but no account means no rights.
    const again = await connect();
    await expect(again.publishAsync(creds.mqtt.topics.crash, alert(), { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    await again.endAsync();
  });

  it('rotation with a csr answers a new client certificate for the same account, which connects and publishes', async () => {
    const first = await gatewayKey();
    const res = await putDevice(DEMO_API_KEY, `sec-x509-rot-${randomUUID().slice(0, 8)}`, `sec-car-${randomUUID().slice(0, 8)}`, first.csrPem);
    const creds = (await res.json()) as DeviceCredentialsV1;
    const next = await gatewayKey();
    const rotated = await rotate(DEMO_API_KEY, creds.deviceId, { csr: next.csrPem });
    expect(rotated.status).toBe(200);
    const certificate = ((await rotated.json()) as DeviceCredentialsV1).mqtt.certificate;
    expect(certificate?.pem).not.toBe(creds.mqtt.certificate?.pem);
    const device = await mqtt.connectAsync(certificate?.url ?? '', { protocolVersion: 5, key: next.keyPem, cert: certificate?.pem, ca: serverCa, reconnectPeriod: 0, connectTimeout: 5_000 });
    const eventId = randomUUID();
    await publishAlert(device, creds.mqtt.topics.crash, JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 3.3 }));
    await device.endAsync();
    await expect.poll(async () => (await db.query('SELECT count(*)::int AS n FROM incident WHERE event_id = $1', [eventId])).rows[0].n, { timeout: 15_000 }).toBe(1);
  });

  it('a DELETE racing a rotation of the same device always ends revoked with no login left, whichever runs first', async () => {
    for (let round = 0; round < 5; round++) {
      const creds = await registerDevice(DEMO_API_KEY);
      const [deleted, rotated] = await Promise.all([deleteDevice(DEMO_API_KEY, creds.deviceId), rotate(DEMO_API_KEY, creds.deviceId)]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(rotated.status);
      const passwords = [creds.mqtt.password, ...(rotated.status === 200 ? [((await rotated.json()) as DeviceCredentialsV1).mqtt.password] : [])];
      for (const password of passwords) expect(await connackOf(() => connectDevice({ ...creds, mqtt: { ...creds.mqtt, password } }))).toBe(0x87);
      expect((await db.query('SELECT revoked_at FROM device WHERE id = $1', [creds.deviceId])).rows[0].revoked_at).toBeInstanceOf(Date);
    }
  });
});
