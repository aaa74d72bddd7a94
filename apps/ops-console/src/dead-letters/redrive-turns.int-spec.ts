import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase, type SqlTx } from '@kuruma/data-access-db';
import { TopicNames, UnavailableError } from '@kuruma/service-kit';
import { Topics } from '@kuruma/contracts';
import { AuditLog } from '../audit/audit-log';
import { REDRIVES_WAITING, RedriveDeadLettersUseCase } from './redrive-dead-letters.use-case';
import type { RedriveProducer, RedriveRecord } from './redrive-producer';

/** The database the int tier's global setup migrates for this run (test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/**
 * Holds every send until the test opens it: a redrive stays in its transaction, with its pooled
 * connection, for as long as the test says (the broker's side is not what this test is about; the
 * e2e suite redrives through the real broker).
 */
class HeldProducer {
  sent: RedriveRecord[] = [];
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  started!: Promise<void>;
  private start!: () => void;
  constructor() {
    this.started = new Promise((resolve) => (this.start = resolve));
  }
  async send(record: RedriveRecord): Promise<{ partition: number; offset: string }> {
    this.start();
    await this.opened;
    this.sent.push(record);
    return { partition: 0, offset: String(this.sent.length) };
  }
  release(): void {
    this.open();
  }
}

describe(`${RedriveDeadLettersUseCase.name} (real Postgres)`, () => {
  // Two connections: the running redrive holds one; redrives waiting in line must leave the other free.
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const topics = new TopicNames(`turns-${randomUUID().slice(0, 8)}.`);
  afterAll(() => db.end());

  it('runs one redrive at a time with four waiting, refuses the next with 503 without taking a connection, and redrives each record once', async () => {
    const dlq = topics.of(Topics.bookingPricedDlq);
    const reason = 'handler-failed';
    for (let i = 0; i < 3; i++) {
      await db.$executeRaw`
        INSERT INTO dead_letter_record (dlq_topic, dlq_partition, dlq_offset, original_topic, reason, reason_code, attempts, service, record_key, payload, headers)
        VALUES (${dlq}, 0, ${i}, ${topics.of(Topics.bookingPriced)}, 'handler-failed: test', ${reason}, 5, 'policy', ${Buffer.from(`b-${i}`)}, ${Buffer.from('{}')}, '{}'::jsonb)`;
    }
    const producer = new HeldProducer();
    const useCase = new RedriveDeadLettersUseCase(db, producer as unknown as RedriveProducer, topics, (tx: SqlTx) => new AuditLog(tx));
    const admin = { username: 'admin', role: 'admin' as const };

    const running = useCase.execute(admin, { topic: dlq, reason });
    await producer.started;
    const waiting = Array.from({ length: REDRIVES_WAITING }, () => useCase.execute(admin, { topic: dlq, reason }));
    // One too many: refused at once, while the first still holds its rows and its connection.
    await expect(useCase.execute(admin, { topic: dlq, reason })).rejects.toBeInstanceOf(UnavailableError);
    // The waiting ones hold no connection: the pool still answers the console's other queries.
    expect(await db.$queryRaw<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }]);

    producer.release();
    const first = await running;
    const later = await Promise.all(waiting);
    expect(first.redriven).toHaveLength(3);
    expect(later.map((o) => o.redriven.length)).toEqual([0, 0, 0, 0]);
    expect(producer.sent).toHaveLength(3);
  });
});
