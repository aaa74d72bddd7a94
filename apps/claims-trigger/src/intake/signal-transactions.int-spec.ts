import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaimsRepository, type DatabaseTx, SqlDatabase } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry } from '@kuruma/data-access-messaging';
import { SignalTransactions } from './signal-transactions';

/**
 * Group commit of device alerts against the real Postgres: the real vehicle locks and outbox, with
 * a test's own apply step (one outbox event per alert), so a poison alert and a cut connection can
 * be placed exactly inside a batch.
 */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const sql = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4, applicationName: 'signal-transactions-test' });
const claims = new ClaimsRepository();

interface Batch {
  outbox: OutboxEntry[];
  read: number[];
  applied: number[];
}

interface TestAlert {
  partnerId: string;
  vehicleId: string;
  n: number;
  poison?: boolean;
  cutConnection?: { once: boolean };
}

function setup(producer: string) {
  const batchSizes: number[] = [];
  /** Each committed transaction: the alerts its read step was given, and those it applied. */
  const transactions: { read: number[]; applied: number[] }[] = [];
  const sut = new SignalTransactions<TestAlert, string, Batch>(sql, {
    locks: (vehicles) => {
      batchSizes.push(vehicles.length);
      return claims.vehicleLocks(vehicles);
    },
    effects: () => ({ outbox: [], read: [], applied: [] }),
    read: async (tx: DatabaseTx, alerts: TestAlert[], batch: Batch) => {
      await tx.$queryRaw`SELECT 1 AS up_front`;
      batch.read.push(...alerts.map((a) => a.n));
    },
    apply: async (tx: DatabaseTx, a: TestAlert, { outbox, applied }: Batch) => {
      // What the database refuses every time (22012), as a value out of range would be.
      if (a.poison) await tx.$queryRaw`SELECT 1 / ${0}::int AS never`;
      if (a.cutConnection?.once) {
        a.cutConnection.once = false;
        await tx.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`;
      }
      outbox.push({ topic: 'signal-transactions-test', key: a.vehicleId, eventId: `alert-${a.n}`, payload: JSON.stringify({ n: a.n }) });
      applied.push(a.n);
      return `applied ${a.n}`;
    },
    finish: async (tx, { outbox, read, applied }) => {
      await enqueueOutbox(tx, producer, outbox);
      transactions.push({ read, applied });
    },
  });
  const committed = async () =>
    (await sql.$queryRaw<{ eventId: string }[]>`SELECT event_id AS "eventId" FROM outbox WHERE producer = ${producer} ORDER BY id`).map((r) => r.eventId);
  return { sut, batchSizes, transactions, committed };
}

const producers: string[] = [];
const newProducer = () => {
  const p = `signal-tx-test-${randomUUID().slice(0, 8)}`;
  producers.push(p);
  return p;
};

afterAll(async () => {
  await sql.$executeRaw`DELETE FROM outbox WHERE producer = ANY(${producers}::text[])`;
  await sql.end();
});

describe(SignalTransactions.name, () => {
  it('commits concurrent alerts together, and a poison alert in a batch fails alone while the rest commit once', async () => {
    const { sut, batchSizes, committed } = setup(newProducer());
    const alerts: TestAlert[] = Array.from({ length: 30 }, (_, n) => ({ partnerId: 'demo', vehicleId: `v-${n % 7}`, n, poison: n === 17 }));
    const outcomes = await Promise.allSettled(alerts.map((a) => sut.submit(a)));
    expect(outcomes[17]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: '22012' }) });
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(29);
    expect((await committed()).sort()).toEqual(alerts.filter((a) => !a.poison).map((a) => `alert-${a.n}`).sort());
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
  });

  it('reads up front for the first alert of each vehicle in a batch only: a later one on the vehicle reads after the earlier writes', async () => {
    const { sut, transactions } = setup(newProducer());
    // 30 alerts on 7 vehicles, batches of up to 16: some batches hold a vehicle twice.
    const alerts: TestAlert[] = Array.from({ length: 30 }, (_, n) => ({ partnerId: 'demo', vehicleId: `v-${n % 7}`, n }));
    await Promise.all(alerts.map((a) => sut.submit(a)));
    const firstOfEach = (applied: number[]) => applied.filter((n, i) => applied.findIndex((m) => m % 7 === n % 7) === i);
    for (const t of transactions) expect(t.read).toEqual(firstOfEach(t.applied));
    expect(transactions.some((t) => t.read.length < t.applied.length)).toBe(true);
    expect(transactions.flatMap((t) => t.applied).sort((a, b) => a - b)).toEqual(alerts.map((a) => a.n));
  });

  it('loses nothing and doubles nothing when the connection is cut in the middle of a batch', async () => {
    const { sut, committed } = setup(newProducer());
    const alerts: TestAlert[] = Array.from({ length: 30 }, (_, n) => ({ partnerId: 'demo', vehicleId: `v-${n}`, n, ...(n === 12 ? { cutConnection: { once: true } } : {}) }));
    const outcomes = await Promise.allSettled(alerts.map((a) => sut.submit(a)));
    // An alert whose own transaction met the outage is the intake's to retry; none may be lost.
    const retried = await Promise.all(alerts.map((a, i) => (outcomes[i]?.status === 'fulfilled' ? undefined : sut.submit(a))));
    expect(retried.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect((await committed()).sort()).toEqual(alerts.map((a) => `alert-${a.n}`).sort());
  });

  it("makes a second alert on the same vehicle wait for the first one's commit, and sees what it wrote", async () => {
    const producer = newProducer();
    const vehicle = { partnerId: 'demo', vehicleId: `v-wait-${randomUUID().slice(0, 8)}` };
    const locks = claims.vehicleLocks([vehicle]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const firstWrote = new Promise<void>((r) => (written = r));
    const first = sql.$transaction(async (tx) => {
      await enqueueOutbox(tx, producer, [{ topic: 'signal-transactions-test', key: vehicle.vehicleId, eventId: 'first', payload: '{}' }]);
      written();
      await held;
    }, { advisoryLocks: locks });
    await firstWrote;
    // The second transaction's BEGIN round trip blocks on the lock until the first commits, so its
    // read finds the first one's row (one accident, one claim).
    const second = sql.$transaction(
      async (tx) => (await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE producer = ${producer}`)[0]?.n,
      { advisoryLocks: locks },
    );
    const waiting = async () => (await sql.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
      WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database() AND a.application_name = 'signal-transactions-test'`)[0]?.n ?? 0;
    while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 10));
    release();
    await first;
    expect(await second).toBe(1);
  });

  it('refuses a lock name with NUL rather than sending a truncated statement', async () => {
    await expect(sql.$transaction(async () => 'never', { advisoryLocks: ['vehicle:demo/a\0b'] })).rejects.toThrow(/NUL/);
  });
});
