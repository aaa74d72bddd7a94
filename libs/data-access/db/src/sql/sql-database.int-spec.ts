import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { BookingEventRepository } from '../booking/booking-event.repository';
import { ClaimsRepository } from '../claims/claims.repository';
import { pipelined } from './pipelined';
import { SqlDatabase, type SqlTx } from './sql-database';

/**
 * How a transaction's prepared statements are planned, against the real Postgres. Each database
 * below has one connection, so `pg_prepared_statements` (which is per connection) shows what
 * happened to the statements the transactions ran.
 */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const opened: SqlDatabase[] = [];
const oneConnection = () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 1, applicationName: 'plan-cache-test' });
  opened.push(db);
  return db;
};
afterAll(async () => Promise.all(opened.map((db) => db.end())));

const bookings = new BookingEventRepository();
const claims = new ClaimsRepository();
const RUNS = 8;

/** The chunk read of booking-ingest and the vehicle situation of claims-trigger, each for one row, as at a low rate. */
async function hotReads(tx: SqlTx): Promise<void> {
  const partnerId = 'demo';
  await bookings.storedFor(tx, [{ partnerId, eventId: randomUUID() }], [{ partnerId, bookingId: `plan-${randomUUID()}` }]);
  await claims.vehicleSituations(tx, [{ partnerId, vehicleId: `plan-${randomUUID()}`, deviceId: 'plan-device', eventId: randomUUID(), at: new Date(), policyHint: null }]);
}

async function plansOf(db: SqlDatabase, fragment: string): Promise<{ generic: number; custom: number }> {
  const rows = await db.$queryRaw<{ generic: number; custom: number }[]>`
    SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
    WHERE statement LIKE ${`%${fragment}%`} AND statement NOT LIKE '%pg_prepared_statements%'`;
  expect(rows).toHaveLength(1);
  return rows[0] as { generic: number; custom: number };
}

describe('SqlDatabase transactions with genericPlans', () => {
  it('plan the booking read and the vehicle situation once per connection, however short their arrays', async () => {
    const db = oneConnection();
    for (let i = 0; i < RUNS; i++) await db.$transaction(hotReads, { genericPlans: true });
    expect(await plansOf(db, 'AS pending')).toEqual({ generic: RUNS, custom: 0 });
    expect(await plansOf(db, 'AS seen')).toEqual({ generic: RUNS, custom: 0 });
  });

  it('leave other transactions to Postgres, which plans such statements anew on every execution', async () => {
    const db = oneConnection();
    for (let i = 0; i < RUNS; i++) await db.$transaction(hotReads);
    // The first five executions are custom plans by Postgres's rule; for the vehicle situation it
    // keeps choosing them (what genericPlans is for).
    expect((await plansOf(db, 'AS pending')).custom).toBeGreaterThanOrEqual(5);
    expect(await plansOf(db, 'AS seen')).toEqual({ generic: 0, custom: RUNS });
  });

  it('set the mode for their own statements only, next to the advisory locks, and not for the connection', async () => {
    const db = oneConnection();
    const inside = await db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ mode: string; locks: number }[]>`
          SELECT current_setting('plan_cache_mode') AS mode,
                 (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted) AS locks`;
        return row;
      },
      { genericPlans: true, advisoryLocks: [`plan-cache-test/${randomUUID()}`] },
    );
    expect(inside).toEqual({ mode: 'force_generic_plan', locks: 1 });
    // The same connection afterwards, in and out of a transaction.
    expect(await db.$queryRaw`SELECT current_setting('plan_cache_mode') AS mode`).toEqual([{ mode: 'auto' }]);
    expect(await db.$transaction((tx) => tx.$queryRaw`SELECT current_setting('plan_cache_mode') AS mode`)).toEqual([{ mode: 'auto' }]);
  });
});

/** The bytes a one-connection database has written to its socket so far (its pool is its own; watched from before it connects). */
function bytesWritten(db: SqlDatabase): () => number {
  let socket: { bytesWritten: number } | undefined;
  (db as unknown as { pool: pg.Pool }).pool.on('connect', (client) => (socket = (client as unknown as { connection: { stream: { bytesWritten: number } } }).connection.stream));
  return () => socket?.bytesWritten ?? 0;
}

/** Another session, holding a session-level advisory lock as long as the test needs. */
async function lockHolder(name: string): Promise<{ release: () => Promise<Date>; client: pg.Client }> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
  return {
    client,
    // Postgres's clock at the release, for comparing with a statement's own.
    release: async () => {
      const [row] = (await client.query<{ at: Date }>('SELECT clock_timestamp() AS at, pg_advisory_unlock(hashtext($1))', [name])).rows;
      return row?.at ?? new Date(Number.NaN);
    },
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('SqlDatabase transactions, written behind BEGIN', () => {
  it('send the first statement before the locks are granted, and Postgres runs it only once they are', async () => {
    const db = oneConnection();
    const written = bytesWritten(db);
    await db.$queryRaw`SELECT 1 AS warm`;
    const name = `pipeline-test/${randomUUID()}`;
    const holder = await lockHolder(name);
    try {
      let writtenAt: number | undefined;
      const ran = db.$transaction(
        async (tx) => {
          const read = tx.$queryRaw<{ at: Date }[]>`SELECT clock_timestamp() AS at`;
          writtenAt = written();
          const [row] = await read;
          return row?.at ?? new Date(Number.NaN);
        },
        { advisoryLocks: [name] },
      );
      await waitFor(() => writtenAt !== undefined, 'the first statement to be written');
      const released = await holder.release();
      // Its snapshot is taken after the lock: it sees what the lock's previous holder committed.
      expect((await ran).getTime()).toBeGreaterThanOrEqual(released.getTime());
      // The statement was on the wire while BEGIN still waited for the lock (one round trip for
      // both): all that was written after it is the COMMIT ('Q', length, "COMMIT\0": 12 bytes).
      expect(written() - (writtenAt ?? 0)).toBe(12);
    } finally {
      await holder.client.end();
    }
  });

  it("fail with BEGIN's error when a lock is not had, not with the aborted transaction's", async () => {
    const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 1, applicationName: 'pipeline-cancel-test' });
    opened.push(db);
    const name = `pipeline-test/${randomUUID()}`;
    const holder = await lockHolder(name);
    try {
      const ran = db.$transaction((tx) => tx.$queryRaw`SELECT 1 AS one`, { advisoryLocks: [name] });
      const failure = ran.catch((error: { code?: string }) => error);
      // The lock wait ends in an error (here a cancel; a lock or statement timeout is alike). The
      // statement behind it fails only because the transaction is aborted.
      const waiting = async () =>
        (await holder.client.query(`SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity WHERE application_name = 'pipeline-cancel-test' AND wait_event_type = 'Lock'`)).rowCount === 1;
      await waitFor(waiting, 'the transaction to wait for its lock');
      expect(await failure).toMatchObject({ code: '57014' });
      // The connection is usable afterwards: nothing of the failed transaction is left on it.
      expect(await db.$queryRaw`SELECT current_setting('transaction_isolation') IS NOT NULL AS ok`).toEqual([{ ok: true }]);
    } finally {
      await holder.client.end();
    }
  });

  it('run pipelined statements in call order, throw the first failure and leave nothing behind', async () => {
    const db = oneConnection();
    const name = `pipeline-test/${randomUUID()}`;
    const failure = await db
      .$transaction((tx) =>
        pipelined([
          // A session lock taken inside the transaction stays after its rollback: proof it ran.
          tx.$queryRaw`SELECT pg_advisory_lock(hashtext(${name}))`,
          tx.$queryRaw`SELECT 1 / 0 AS never`,
          tx.$queryRaw`SELECT pg_advisory_unlock(hashtext(${name}))`,
        ]),
      )
      .catch((error: { code?: string }) => error);
    // Division by zero, not "current transaction is aborted" (25P02) of the statement behind it.
    expect(failure).toMatchObject({ code: '22012' });
    const [held] = await db.$queryRaw<{ held: number }[]>`
      SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted`;
    // The first ran (its lock is held), the third did not (it would have released it).
    expect(held).toEqual({ held: 1 });
    await db.$queryRaw`SELECT pg_advisory_unlock_all()`;
  });
});

describe('SqlDatabase transactions committed with $commitNow', () => {
  /** One connection with a scratch table of its own session (a temporary table: nothing of it outlives the test). */
  async function withScratch(): Promise<{ db: SqlDatabase; socket: () => number; rows: () => Promise<string[]> }> {
    const db = oneConnection();
    const socket = bytesWritten(db);
    await db.$queryRawUnsafe('CREATE TEMPORARY TABLE scratch (id text PRIMARY KEY)');
    return {
      db,
      socket,
      rows: async () => (await db.$queryRaw<{ id: string }[]>`SELECT id FROM pg_temp.scratch ORDER BY id`).map((r) => r.id),
    };
  }

  it('write COMMIT behind the last statement, in its round trip, and commit', async () => {
    const { db, socket, rows } = await withScratch();
    let afterCommit = 0;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'a'})`;
      const last = tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'b'})`;
      tx.$commitNow?.();
      afterCommit = socket();
      await last;
    });
    // Nothing was written after the COMMIT: no round trip of its own.
    expect(socket() - afterCommit).toBe(0);
    expect(await rows()).toEqual(['a', 'b']);
  });

  /**
   * A transaction whose last statement, with the COMMIT behind it, clashes with a row written
   * before it; the work lets that failure through or catches it. What the transaction failed with.
   */
  async function endingInClash(db: SqlDatabase, caught: boolean): Promise<unknown> {
    await db.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'taken'})`;
    return db
      .$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'a'})`;
        const last = tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'taken'})`;
        const awaited = caught ? last.catch(() => 0) : last;
        tx.$commitNow?.();
        return awaited;
      })
      .catch((error: unknown) => error);
  }

  it('fail, and roll back, when the last statement fails', async () => {
    const { db, rows } = await withScratch();
    const failure = await endingInClash(db, false);
    expect(failure).toMatchObject({ code: '23505' });
    expect(await rows()).toEqual(['taken']);
  });

  it('fail when Postgres rolled back, even if the work caught the failed statement', async () => {
    const { db, rows } = await withScratch();
    const failure = await endingInClash(db, true);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('not committed (ROLLBACK)');
    expect(await rows()).toEqual(['taken']);
  });

  it('refuse a statement written after the COMMIT', async () => {
    const { db, rows } = await withScratch();
    const failure = await db
      .$transaction(async (tx) => {
        const first = tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'a'})`;
        tx.$commitNow?.();
        await first;
        await tx.$executeRaw`INSERT INTO pg_temp.scratch VALUES (${'late'})`;
      })
      .catch((error: Error) => error);
    expect((failure as Error).message).toContain('after the transaction was committed');
    // What was written before the COMMIT is committed; the late statement never reached Postgres.
    expect(await rows()).toEqual(['a']);
  });
});
