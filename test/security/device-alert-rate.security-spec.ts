import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceGateways, PlatformProcesses, publishAlert, TEST_ENV } from '../../tools/harness';

const RATE_PER_S = 1;
const BURST = 5;
const FLOOD = 30;

/**
 * A compromised or broken gateway floods crash alerts. Each alert that reaches a claim transaction
 * takes the vehicle's lock, a pooled connection and a share of the intake's two transactions in
 * flight, so one device could slow every partner's FNOL. Past its rate a device's alerts are
 * dead-lettered with the reason (on record, cheap), and another device's alert still applies.
 */
describe('a device flooding alerts is rate-limited per device (finding 14)', () => {
  // A low limit so a test-sized flood crosses it; the defaults are 20/s with a burst of 200.
  const platform = new PlatformProcesses({ DEVICE_ALERT_RATE_PER_S: String(RATE_PER_S), DEVICE_ALERT_BURST: String(BURST) });
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const gateways = new DeviceGateways('rate-gw');

  /** What became of a device's alerts: applied (a claim signal or an incident) or dead-lettered, with the reasons. */
  const outcomes = async (deviceId: string) => {
    const applied = await db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM claim_signal WHERE device_id = $1) + (SELECT count(*) FROM incident WHERE device_id = $1) AS n',
      [deviceId],
    );
    const dead = await db.query<{ reason: string }>('SELECT reason FROM dead_letter WHERE source LIKE $1', [`devices/${deviceId}/%`]);
    return { applied: Number(applied.rows[0]?.n ?? 0), deadLetters: dead.rows.map((r) => r.reason) };
  };

  beforeAll(async () => {
    await platform.start(['claims-trigger']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await db.end();
  });

  it('dead-letters the flood past the device rate with its reason, keeps every alert on record, and applies another device’s alert', async () => {
    const flooder = await gateways.register(`rate-v-${randomUUID().slice(0, 8)}`);
    const neighbour = await gateways.register(`rate-v-${randomUUID().slice(0, 8)}`);
    const flooding = await gateways.connect(flooder);
    const quiet = await gateways.connect(neighbour);

    const started = Date.now();
    for (let i = 0; i < FLOOD; i++) {
      await publishAlert(flooding, flooder.mqtt.topics.crash, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.1 }));
    }
    const floodSeconds = (Date.now() - started) / 1000;
    await publishAlert(quiet, neighbour.mqtt.topics.crash, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.1 }));

    // Every alert is accounted for: none is dropped silently.
    await expect.poll(async () => {
      const { applied, deadLetters } = await outcomes(flooder.deviceId);
      return applied + deadLetters.length;
    }, { timeout: 30_000 }).toBe(FLOOD);
    const { applied, deadLetters } = await outcomes(flooder.deviceId);
    // The burst and what the rate refilled while the flood was sent went through; the rest did not.
    expect(applied).toBeGreaterThanOrEqual(BURST);
    expect(applied).toBeLessThanOrEqual(BURST + Math.ceil(floodSeconds * RATE_PER_S) + 1);
    expect(deadLetters.length).toBe(FLOOD - applied);
    for (const reason of deadLetters) expect(reason).toMatch(/^rate-limited: this device sent alerts faster than 1\/s \(burst 5\)$/);

    // The other device's alert is not held back by its neighbour's flood.
    await expect.poll(async () => (await outcomes(neighbour.deviceId)).applied, { timeout: 30_000 }).toBe(1);
    expect((await outcomes(neighbour.deviceId)).deadLetters).toEqual([]);
  });
});
