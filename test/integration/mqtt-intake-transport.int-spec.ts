import { randomUUID } from 'node:crypto';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import { DeadLetterHeaders, deviceTopic, MqttTopics, Topics } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import { DeviceAccounts, DynamicSecurityClient, intakeClientIds, intakeLoginOf, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { ConsumeMqttTopic, createLogger, createServiceKit, MqttIntakeServer, type MqttMessage, TopicNames } from '@kuruma/service-kit';
import { DeviceSignalDeadLetters } from '../../apps/claims-trigger/src/intake/device-signal.dead-letters';
import { DeviceSignalMetrics } from '../../apps/claims-trigger/src/intake/device-signal.metrics';
import { TEST_ENV, testTopic } from '../../tools/harness';

/**
 * The MQTT transport claims-trigger's intake runs on, against the real Mosquitto and Postgres: what
 * an alert whose handler keeps failing, and one whose failures are an outage, do to the one
 * connection they arrive on. The handler here is the test's own: no valid alert makes the real use
 * case fail for its own reasons (what the database refuses it dead-letters itself), so each failure
 * is the test's, exact. The dead letters are claims-trigger's own (dead_letter and the DLQ outbox).
 */
const stack = loadStackConfig();
const run = randomUUID().slice(0, 8);
// Stable per namespace, so its intake accounts are created once and reused by later runs.
const CLIENT_ID = `${TEST_ENV['KAFKA_GROUP_PREFIX']}-transport-test-intake`;
const SERVICE = 'mqtt-transport-test';
const MAX_ATTEMPTS = 5;
const OUTAGE_ATTEMPTS = 8;
const deviceId = `transport-test-${run}`;

/**
 * Ends the intake's persistent session and what it queued: a session left from an earlier run
 * keeps that run's subscriptions, and each would deliver the test's alerts once more.
 */
async function discardSession(): Promise<void> {
  const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], {
    clientId: CLIENT_ID,
    ...intakeLoginOf(CLIENT_ID, stack.MQTT_SERVICE_PASSWORD),
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 0 },
  });
  await client.endAsync();
}

const applied: { n: number; deviceId: string; at: number }[] = [];
const attemptsOf = new Map<number, number>();

@Controller()
class TestAlertsHandler {
  @ConsumeMqttTopic(MqttTopics.crash)
  async apply(@Payload() message: MqttMessage): Promise<void> {
    const { n, fail } = JSON.parse(message.payload.toString('utf8')) as { n: number; fail?: 'always' | 'outage' };
    const tries = (attemptsOf.get(n) ?? 0) + 1;
    attemptsOf.set(n, tries);
    if (fail === 'always') throw new TypeError(`alert ${n} cannot be applied`);
    // The shape of node-postgres' error when the database is unreachable.
    if (fail === 'outage' && tries <= OUTAGE_ATTEMPTS) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    applied.push({ n, deviceId: message.params[0], at: Date.now() });
  }
}

describe(MqttIntakeServer.name, () => {
  const sql = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2, applicationName: SERVICE });
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  let admin: DynamicSecurityClient;
  let devices: DeviceAccounts;
  let device: mqtt.MqttClient;
  let app: INestMicroservice;
  const deadLetteredAt: number[] = [];

  beforeAll(async () => {
    admin = await DynamicSecurityClient.connect(TEST_ENV['MQTT_URL'], stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD);
    await provisionIntakeAccounts(admin, intakeClientIds(CLIENT_ID), stack.MQTT_SERVICE_PASSWORD);
    await discardSession();
    devices = new DeviceAccounts(admin, stack.MQTT_DEVICE_ACCOUNT_PREFIX);
    const password = randomUUID();
    const login = await devices.provision(deviceId, password);
    device = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], { ...login, password, protocolVersion: 5, reconnectPeriod: 0 });

    const kit = createServiceKit(SERVICE, 'silent', createLogger);
    // A real dependency: the poison limit asks it before blaming a message.
    kit.health.register({ name: 'postgres', dependency: true, check: async () => void (await db.query('SELECT 1')) });
    const deadLetters = new DeviceSignalDeadLetters(sql, SERVICE, new TopicNames(TEST_ENV['KAFKA_TOPIC_NAMESPACE']), new DeviceSignalMetrics(kit.metrics));
    const strategy = new MqttIntakeServer({
      kit,
      url: TEST_ENV['MQTT_URL'],
      servicePassword: stack.MQTT_SERVICE_PASSWORD,
      clientId: CLIENT_ID,
      shareGroup: CLIENT_ID,
      // One connection: an alert that blocked it would block every later one.
      connections: 1,
      stuckAfterMs: 60_000,
      maxAttempts: MAX_ATTEMPTS,
      retryDelay: { baseMs: 50, maxMs: 400 },
      deadLetter: async (message, reason, attempts) => {
        await deadLetters.write(message, reason, attempts);
        deadLetteredAt.push(Date.now());
      },
    });

    @Module({ controllers: [TestAlertsHandler] })
    class TestModule {}
    app = await NestFactory.createMicroservice(TestModule, { strategy, logger: false });
    await app.listen();
  });

  afterAll(async () => {
    await app?.close();
    await discardSession().catch(() => undefined);
    await device?.endAsync();
    await devices?.remove(deviceId);
    await admin?.close();
    await db.query('DELETE FROM outbox WHERE producer = $1', [SERVICE]).catch(() => undefined);
    await sql.end();
    await db.end();
  });

  const publish = async (alerts: { n: number; fail?: 'always' | 'outage' }[]) => {
    for (const alert of alerts) await device.publishAsync(deviceTopic(deviceId, 'crash'), JSON.stringify(alert), { qos: 1 });
  };
  const waitApplied = async (n: number, timeoutMs = 30_000) => {
    await expect.poll(() => applied.map((a) => a.n), { timeout: timeoutMs, interval: 50 }).toContain(n);
    return applied.find((a) => a.n === n) as (typeof applied)[number];
  };

  it('dead-letters an alert whose handler keeps failing after the attempt limit, with reason and attempts, and the next alert on the same connection applies', async () => {
    await publish([{ n: 1, fail: 'always' }, { n: 2 }]);
    const next = await waitApplied(2);
    expect(next.deviceId).toBe(deviceId);
    expect(attemptsOf.get(1)).toBe(MAX_ATTEMPTS);
    expect(applied.map((a) => a.n)).not.toContain(1);
    // One message at a time per connection: the next one came only once the first was acknowledged.
    expect(deadLetteredAt).toHaveLength(1);
    expect(next.at).toBeGreaterThanOrEqual(deadLetteredAt[0]);

    const source = deviceTopic(deviceId, 'crash');
    const dead = (await db.query('SELECT service, reason, payload FROM dead_letter WHERE source = $1', [source])).rows as { service: string; reason: string; payload: Buffer }[];
    expect(dead).toEqual([{ service: SERVICE, reason: 'handler-failed: TypeError: alert 1 cannot be applied', payload: Buffer.from(JSON.stringify({ n: 1, fail: 'always' })) }]);
    const outbox = (await db.query('SELECT topic, key, payload_bytes, headers FROM outbox WHERE producer = $1', [SERVICE])).rows as { topic: string; key: string; payload_bytes: Buffer; headers: Record<string, string> }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ topic: testTopic(Topics.deviceSignalsDlq), key: deviceId });
    expect(outbox[0].payload_bytes.equals(dead[0].payload)).toBe(true);
    expect(outbox[0].headers).toMatchObject({
      [DeadLetterHeaders.reason]: 'handler-failed: TypeError: alert 1 cannot be applied',
      [DeadLetterHeaders.attempts]: String(MAX_ATTEMPTS),
      [DeadLetterHeaders.originalTopic]: source,
      [DeadLetterHeaders.service]: SERVICE,
    });
  });

  it('keeps retrying, unacknowledged and without a dead letter, an alert whose failures are an outage, past the attempt limit, and applies the next one after it', async () => {
    await publish([{ n: 10, fail: 'outage' }, { n: 11 }]);
    const next = await waitApplied(11);
    const outage = applied.find((a) => a.n === 10);
    expect(outage).toBeDefined();
    expect(attemptsOf.get(10)).toBe(OUTAGE_ATTEMPTS + 1);
    expect(next.at).toBeGreaterThanOrEqual(outage?.at ?? Infinity);
    expect(deadLetteredAt).toHaveLength(1);
  });
});
