import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '@kuruma/data-access-db';
import { DeadLetterIndex } from './dead-letter-index';
import { DeadLetterRetentionJob } from './dead-letter-retention.job';

/** The database the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const DAY_MS = 86_400_000;

describe(`${DeadLetterRetentionJob.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const sut = new DeadLetterRetentionJob(new DeadLetterIndex(db), 30, 60_000, pino({ level: 'silent' }));
  afterAll(() => db.end());

  /** A refused booking event as the console indexes it: the partner's bytes, driver reference included. */
  const indexed = async (daysAgo: number, now: Date) => {
    const offset = BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000));
    const payload = Buffer.from(JSON.stringify({ data: { driver: { driverId: `drv-REF-${randomUUID()}` } } }));
    const [row] = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO dead_letter_record (dlq_topic, dlq_partition, dlq_offset, original_topic, reason, reason_code, attempts, service, payload, headers, indexed_at)
      VALUES ('retention-test.dlq', 0, ${offset}, 'retention-test', 'partner-mismatch: test', 'partner-mismatch', 1, 'booking-ingest', ${payload}, '{}'::jsonb,
              ${new Date(now.getTime() - daysAgo * DAY_MS)})
      RETURNING id::text`;
    return row?.id as string;
  };
  const device = async (daysAgo: number, now: Date) => {
    const id = randomUUID();
    await db.$executeRaw`
      INSERT INTO dead_letter (id, service, source, reason, payload, received_at)
      VALUES (${id}::uuid, 'claims-trigger', 'devices/gw-retention/trip', 'booking-mismatch: test', '{"bookingId":"b"}', ${new Date(now.getTime() - daysAgo * DAY_MS)})`;
    return id;
  };
  const exists = async (table: 'dead_letter_record' | 'dead_letter', id: string) =>
    (await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${table} WHERE id = $1::uuid`, id)).length === 1;

  it('deletes dead letters that arrived before the retention period, in the index and the device table, and keeps the rest', async () => {
    const now = new Date();
    const [oldIndexed, newIndexed, oldDevice, newDevice] = [await indexed(31, now), await indexed(29, now), await device(31, now), await device(29, now)];

    const deleted = await sut.tick(now);

    expect(deleted.indexed).toBeGreaterThanOrEqual(1);
    expect(deleted.device).toBeGreaterThanOrEqual(1);
    expect(await exists('dead_letter_record', oldIndexed)).toBe(false);
    expect(await exists('dead_letter', oldDevice)).toBe(false);
    expect(await exists('dead_letter_record', newIndexed)).toBe(true);
    expect(await exists('dead_letter', newDevice)).toBe(true);
  });
});
