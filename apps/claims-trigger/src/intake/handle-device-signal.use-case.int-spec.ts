import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceRepository, SqlDatabase } from '@kuruma/data-access-db';
import { isDamageClaim } from '@kuruma/domain-claims';
import { DeviceDirectory } from '../devices/device-directory';
import { DamageFlags } from '../fraud-guard/damage-flags';
import type { DeviceSignalDeadLetters } from './device-signal.dead-letters';
import { HandleDeviceSignalUseCase } from './handle-device-signal.use-case';

/**
 * Alerts that share one claim transaction (real Postgres and Redis): the claims they open are
 * written together, and a later alert on the same vehicle still finds the claim the earlier one
 * opened in that transaction (one accident, one claim).
 */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const sql = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4, applicationName: 'handle-device-signal-test' });
const redis = new Redis(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15');
const producers: string[] = [];

afterAll(async () => {
  await sql.$executeRaw`DELETE FROM outbox WHERE producer = ANY(${producers}::text[])`;
  await sql.end();
  redis.disconnect();
});

/** No alert of this test may be dead-lettered: one that is fails the test with its reason. */
const noDeadLetters = {
  record: async (letter: { reason: string }) => {
    throw new Error(`unexpected dead letter: ${letter.reason}`);
  },
} as unknown as DeviceSignalDeadLetters;

async function vehicleInCover(partnerId: string): Promise<{ vehicleId: string; deviceId: string }> {
  const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
  const deviceId = `gw-${vehicleId}`;
  const id = randomUUID();
  const now = Date.now();
  await sql.$executeRaw`
    INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, request, last_sequence)
    VALUES (${id}::uuid, ${`KC-TEST-${id.slice(0, 8)}`}, ${partnerId}, ${`bk-${id}`}, ${vehicleId}, 'drv-1', 'standard', 'active', 'started',
            ${new Date(now - 3_600_000)}, ${new Date(now + 3_600_000)}, '{}'::jsonb, 2)`;
  await new DeviceRepository(sql).upsert({ id: deviceId, partnerId, vehicleId });
  return { vehicleId, deviceId };
}

describe(HandleDeviceSignalUseCase.name, () => {
  it("writes a batch's new claims together, and a later alert on the same vehicle joins the claim the earlier one opened", async () => {
    const producer = `signal-use-case-test-${randomUUID().slice(0, 8)}`;
    producers.push(producer);
    const directory = new DeviceDirectory(new DeviceRepository(sql));
    const sut = new HandleDeviceSignalUseCase(
      sql,
      directory,
      new DamageFlags(redis),
      noDeadLetters,
      {
        thresholds: { majorPeakG: 2.5, minorPeakG: 1.5, majorDeltaVKmh: 25, rolloverDeg: 60 },
        accidentWindowMs: 60_000,
        maxFutureSkewMs: 300_000,
        maxLatenessMs: 86_400_000,
        topic: (base) => `test.${base}`,
        producer,
      },
      pino({ level: 'silent' }),
    );
    const [first, second, car, van] = await Promise.all(['demo', 'demo', 'demo', 'demo'].map(vehicleInCover));
    const devices = [first, second, car, van].map((v) => v?.deviceId as string);
    // Known to the directory before the alerts, so each alert reaches the transactions in the order sent.
    await Promise.all(devices.map((d) => directory.find(d)));
    const crash = (eventId: string, accidentId: string) =>
      Buffer.from(JSON.stringify({ eventId, occurredAt: new Date(Date.now() - 1_000).toISOString(), peakG: 6.2, deltaVKmh: 31, accidentId, location: { lat: 35.68, lon: 139.76 } }));

    // The van already has an open damage claim from an earlier accident: its new claim's damage
    // record must count both, which only the count the batch statement returns can tell.
    expect(await sut.execute(van?.deviceId as string, 'crash', crash(randomUUID(), 'acc-van-earlier'))).toBe('claim-opened');

    // The first two alerts take the two transactions in flight; the next four queue and share one.
    const outcomes = await Promise.all([
      sut.execute(first?.deviceId as string, 'crash', crash(randomUUID(), 'acc-first')),
      sut.execute(second?.deviceId as string, 'crash', crash(randomUUID(), 'acc-second')),
      sut.execute(car?.deviceId as string, 'crash', crash(randomUUID(), 'acc-car')),
      sut.execute(car?.deviceId as string, 'crash', crash(randomUUID(), 'acc-car')),
      sut.execute(van?.deviceId as string, 'crash', crash(randomUUID(), 'acc-van')),
      sut.execute(car?.deviceId as string, 'crash', crash(randomUUID(), 'acc-car')),
    ]);
    expect(outcomes).toEqual(['claim-opened', 'claim-opened', 'claim-opened', 'signal-attached', 'claim-opened', 'signal-attached']);

    const claims = await sql.$queryRaw<{ vehicleId: string; coverages: string[]; signals: number; tx: string }[]>`
      SELECT c.vehicle_id AS "vehicleId", c.coverages, (SELECT count(*)::int FROM claim_signal s WHERE s.claim_id = c.id) AS signals, c.xmin::text AS tx
      FROM claim c WHERE c.vehicle_id = ANY(${[car?.vehicleId, van?.vehicleId]}::text[]) ORDER BY c.vehicle_id = ${car?.vehicleId} DESC, c.accident_id`;
    // One claim per accident: the car's three alerts are one claim with three signals.
    expect(claims.map((c) => [c.vehicleId, c.signals])).toEqual([
      [car?.vehicleId, 3],
      [van?.vehicleId, 1],
      [van?.vehicleId, 1],
    ]);
    // The car's and the van's new claim were opened by one transaction: the batch's claims went in one statement.
    expect(claims[0]?.tx).toBe(claims[1]?.tx);
    expect(claims[2]?.tx).not.toBe(claims[1]?.tx);

    // Each opened claim's event is followed by its vehicle's damage record, counting this claim.
    const events = await sql.$queryRaw<{ eventId: string; payload: string }[]>`
      SELECT event_id AS "eventId", payload::text AS payload FROM outbox WHERE producer = ${producer} ORDER BY id`;
    const ofCar = events.filter((e) => e.payload.includes(car?.vehicleId as string));
    expect(isDamageClaim(claims[0]?.coverages ?? [])).toBe(true);
    expect(ofCar.map((e) => (e.eventId.startsWith('vehicle-damage:') ? ['damage', JSON.parse(e.payload).openDamageClaims] : ['claim', JSON.parse(e.payload).type]))).toEqual([
      ['claim', 'com.kurumacover.claim.fnol-opened'],
      ['damage', 1],
      ['claim', 'com.kurumacover.claim.signal-attached'],
      ['claim', 'com.kurumacover.claim.signal-attached'],
    ]);
    const vanDamage = events.filter((e) => e.eventId.startsWith('vehicle-damage:') && e.payload.includes(van?.vehicleId as string));
    expect(vanDamage.map((e) => JSON.parse(e.payload).openDamageClaims)).toEqual([1, 2]);
  });
});
