import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingAcceptedV1, BookingEventType, BookingPricedV1 } from '@kuruma/contracts';
import { ClaimsRepository, DriverRecordRepository, LedgerRepository, pendingMigrations, QuoteRepository, SqlDatabase } from '@kuruma/data-access-db';
import { ChangeClaimReserveUseCase } from '../../apps/claims-trigger/src/claims/change-claim-reserve.use-case';
import { ChangeClaimStatusUseCase } from '../../apps/claims-trigger/src/claims/change-claim-status.use-case';
import { claimLedgerEntries } from '../../apps/claims-trigger/src/claims/claim-ledger';
import { RecordClaimPaymentUseCase } from '../../apps/claims-trigger/src/claims/record-claim-payment.use-case';
import { DamageFlags } from '../../apps/claims-trigger/src/fraud-guard/damage-flags';
import { ApplyBookingEventsUseCase } from '../../apps/policy/src/apply-booking-events/apply-booking-events.use-case';
import { DriverRecords } from '../../apps/pricing/src/driver-records/driver-records';
import { PriceBookingEventsUseCase } from '../../apps/pricing/src/price-booking-events/price-booking-events.use-case';
import { VehicleDamageLookup } from '../../apps/pricing/src/vehicle-damage/vehicle-damage.lookup';
import { bookingEvent, checkPremiumLedger, freshSeededDatabase, jstMinutesFromNow, newBooking, tableRowCounts, TEST_ENV } from '../../tools/harness';

/**
 * Backup and restore of the system of record (docs/operations.md, "Backup and restore"): a
 * database with policies bound, extended and ended through pricing's and policy's use cases and a
 * claim reserved, closed and paid through claims-trigger's, dumped with `npm run db:backup` and
 * restored into a new database with `npm run db:restore -- --create`. The copy must hold the same
 * rows, byte for byte where it matters, reconcile the same, need no migration, and take new work.
 */
const root = resolve(__dirname, '../..');
const databaseUrl = (suffix: string) => {
  const url = new URL(TEST_ENV['DATABASE_URL']);
  url.pathname = `${url.pathname}_${suffix}`;
  return url.toString();
};
const SOURCE = databaseUrl('backup_source');
const RESTORED = databaseUrl('backup_restored');
const DUMP = join(tmpdir(), `kuruma-backup-${randomUUID().slice(0, 8)}.dump`);
const MIGRATIONS = resolve(root, 'prisma/migrations');

/** The command an operator types, against `url`; its output (stdout and the per-table progress lines). */
const tool = async (script: 'backup' | 'restore', args: string[], url: string) =>
  (await promisify(execFile)('npx', ['tsx', 'tools/db-backup.ts', script, ...args], { cwd: root, env: { ...process.env, DATABASE_URL: url }, timeout: 120_000 })).stdout;

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function dropDatabases() {
  const admin = new URL(SOURCE);
  admin.pathname = '/postgres';
  for (const url of [SOURCE, RESTORED]) await query(admin.toString(), `DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
}

/** A content digest of the tables a restore must carry exactly: the money, the cover, and what is still to publish or was consumed. */
const DIGESTS = `SELECT
  (SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM policy p) AS policy,
  (SELECT md5(string_agg(e::text, '|' ORDER BY e.seq)) FROM ledger_entry e) AS ledger_entry,
  (SELECT md5(string_agg(l::text, '|' ORDER BY l.entry_id, l.account, l.debit_yen, l.credit_yen)) FROM ledger_line l) AS ledger_line,
  (SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) FROM claim c) AS claim,
  (SELECT md5(string_agg(o::text, '|' ORDER BY o.id)) FROM outbox o) AS outbox,
  (SELECT md5(string_agg(m::text, '|' ORDER BY m::text)) FROM inbox m) AS inbox`;
const BALANCES = `SELECT l.account, sum(l.debit_yen - l.credit_yen)::text AS balance FROM ledger_line l GROUP BY l.account ORDER BY l.account`;

/** Prices and applies booking events as the pricing and policy services do (producer `policy`, so reconcile's checks see them). */
function bookingPipeline(url: string) {
  const db = new SqlDatabase({ url, poolSize: 2, applicationName: 'backup-restore-spec' });
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  const driverBookings = new DriverRecordRepository(db);
  const pricing = new PriceBookingEventsUseCase(new QuoteRepository(db), new VehicleDamageLookup(redis), new DriverRecords(driverBookings, 'backup-spec-pseudonym-key-0123456789abcdef'), driverBookings);
  const policy = new ApplyBookingEventsUseCase(db, 'policy', (base) => `${TEST_ENV['KAFKA_TOPIC_NAMESPACE']}${base}`);
  return {
    db,
    redis,
    async apply(events: ReturnType<typeof bookingEvent>[]) {
      const accepted = events.map((event) => ({ partnerId: 'demo', ordering: 'in-sequence', acceptedAt: new Date().toISOString(), event }) as BookingAcceptedV1);
      let priced: BookingPricedV1[] = [];
      await pricing.execute(accepted, async (p) => void (priced = p));
      return policy.execute(priced);
    },
    async end() {
      redis.disconnect();
      await db.end();
    },
  };
}

describe('Postgres backup and restore (db:backup, db:restore)', () => {
  let dumped = '';
  let restored = '';

  beforeAll(async () => {
    await dropDatabases();
    await freshSeededDatabase(SOURCE);
    const source = bookingPipeline(SOURCE);
    try {
      // Three bookings: bound and started; extended then ended early (a refund); created only (a quote, no policy).
      const bound = newBooking();
      await source.apply(['created', 'confirmed', 'started'].map((t, i) => bookingEvent(bound, `com.kurumacover.booking.${t}` as BookingEventType, i + 1)));
      const ended = newBooking();
      await source.apply(['created', 'confirmed', 'started'].map((t, i) => bookingEvent(ended, `com.kurumacover.booking.${t}` as BookingEventType, i + 1)));
      await source.apply([bookingEvent(ended, 'com.kurumacover.booking.extended', 4, { endsAt: jstMinutesFromNow(60 + 9 * 60) })]);
      await source.apply([bookingEvent(ended, 'com.kurumacover.booking.ended', 5, { endsAt: jstMinutesFromNow(60 + 9 * 60), endedAt: jstMinutesFromNow(90) })]);
      await source.apply([bookingEvent(newBooking(), 'com.kurumacover.booking.created', 1)]);

      // A claim on the first policy, opened as the intake opens it, then reserved, closed and paid by a handler.
      const [policy] = await source.db.$queryRaw<{ id: string; policy_number: string }[]>`SELECT id::text, policy_number FROM policy WHERE booking_id = ${bound.bookingId}`;
      const claimId = randomUUID();
      const occurredAt = new Date();
      await source.db.$transaction(async (tx) => {
        await new ClaimsRepository().openClaim(
          tx,
          bound.vehicleId,
          {
            id: claimId, claimNumber: `FNOL-BK-${claimId.slice(0, 8)}`, accidentId: null, severity: 'major', policyId: policy?.id ?? '', policyNumber: policy?.policy_number ?? '',
            bookingId: bound.bookingId, partnerId: 'demo', driverId: 'drv-bk', plan: 'standard', coverages: ['vehicle-damage'], reserveYen: 500_000, occurredAt, lat: null, lon: null, cause: 'collision',
          },
          { deviceId: 'gw-bk', eventId: randomUUID(), channel: 'crash', payload: {}, occurredAt },
        );
        await new LedgerRepository().post(tx, claimLedgerEntries('opened', { id: claimId, partnerId: 'demo', policyId: policy?.id ?? null, reserveYen: 500_000 }, `${claimId}:opened`, occurredAt));
      });
      const handler = { name: 'ops-backup', role: 'claims-handler' };
      await new ChangeClaimReserveUseCase(source.db).execute(claimId, { reserveYen: 420_000, reason: 'repair estimate' }, handler);
      const status = new ChangeClaimStatusUseCase(source.db, new DamageFlags(source.redis), 'claims-trigger', (b) => `${TEST_ENV['KAFKA_TOPIC_NAMESPACE']}${b}`);
      await status.execute(claimId, 'confirm', handler);
      await status.execute(claimId, 'close', handler);
      await new RecordClaimPaymentUseCase(source.db).execute(claimId, { paymentReference: 'BK-1', amountYen: 300_000, payee: 'Body shop' }, handler);
      // What the relay would have published before the dump: the restore must carry which rows are still to send.
      await source.db.$executeRaw`UPDATE outbox SET published_at = now() WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 2)`;
    } finally {
      await source.end();
    }

    dumped = await tool('backup', ['--out', DUMP], SOURCE);
    restored = await tool('restore', ['--from', DUMP, '--create'], RESTORED);
  }, 300_000);

  afterAll(async () => {
    await dropDatabases();
    rmSync(DUMP, { force: true });
  });

  it('dumps and restores every table, reporting each as it goes, with no migration pending in the copy', async () => {
    const tables = Object.keys(await tableRowCounts(SOURCE)).length;
    expect(tables).toBeGreaterThan(25);
    for (const [label, out] of [['dumping', dumped], ['restoring', restored]] as const) {
      const progress = out.split('\n').filter((l) => l.startsWith(`${label} `));
      expect(progress).toHaveLength(tables);
      expect(progress.at(-1)).toMatch(new RegExp(`^${label} ${tables}/${tables} `));
    }
    expect(dumped).toMatch(new RegExp(`db:backup: .*_backup_source -> .*\\.dump \\(${tables} tables`));
    expect(restored).toContain('migrations: none pending');
    expect(await pendingMigrations(RESTORED, MIGRATIONS)).toEqual([]);
  });

  it('leaves the copy analysed: the planner has statistics for every table the services read', async () => {
    // reltuples is -1 until a table is first analysed; the services' cached plans are made from it.
    const unanalysed = await query<{ relname: string }>(RESTORED, `
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples < 0 ORDER BY 1`);
    expect(unanalysed).toEqual([]);
    const [policy] = await query<{ rows: number }>(RESTORED, `SELECT reltuples::int AS rows FROM pg_class WHERE relname = 'policy' AND relkind = 'r'`);
    expect(policy?.rows).toBe(3);
    // Column statistics too (pg_restore leaves pg_stats empty).
    const [columns] = await query<{ n: number }>(RESTORED, `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'policy'`);
    expect(columns?.n).toBeGreaterThan(10);
  });

  it('the copy holds the same rows, the same policies, ledger, claims, outbox and inbox, and the same balances', async () => {
    const counts = await tableRowCounts(SOURCE);
    // Three bookings, three policy rows: two bound, one only quoted.
    expect(counts['public.policy']).toBe(3);
    expect(counts['public.claim']).toBe(1);
    expect(await tableRowCounts(RESTORED)).toEqual(counts);
    expect(await query(RESTORED, DIGESTS)).toEqual(await query(SOURCE, DIGESTS));
    const balances = await query<{ account: string; balance: string }>(SOURCE, BALANCES);
    expect(balances.find((b) => b.account === '4100')).toBeDefined();
    expect(await query(RESTORED, BALANCES)).toEqual(balances);
    const unpublished = `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`;
    expect(await query(RESTORED, unpublished)).toEqual(await query(SOURCE, unpublished));
  });

  it("reconciles as its source does (npm run reconcile's premium-ledger check: 0 differences)", async () => {
    const check = async (url: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return await checkPremiumLedger(client);
      } finally {
        await client.end();
      }
    };
    const before = await check(SOURCE);
    expect(before).toMatchObject({ differences: 0 });
    expect(before.writtenPremiumYen).toBeGreaterThan(0);
    expect(before.writtenPremiumYen).toBe(before.policyPremiumYen);
    expect(await check(RESTORED)).toEqual(before);
  });

  it('the copy takes new work with its constraints and triggers in place: a new policy is bound, a posted entry cannot change', async () => {
    const copy = bookingPipeline(RESTORED);
    try {
      const [{ max }] = await query<{ max: string }>(RESTORED, 'SELECT max(seq)::text AS max FROM ledger_entry');
      const next = newBooking();
      await copy.apply(['created', 'confirmed'].map((t, i) => bookingEvent(next, `com.kurumacover.booking.${t}` as BookingEventType, i + 1)));
      const entries = await query<{ seq: string }>(RESTORED, `SELECT e.seq::text FROM ledger_entry e JOIN policy p ON p.id = e.policy_id WHERE p.booking_id = '${next.bookingId}'`);
      expect(entries).toHaveLength(1);
      expect(BigInt(entries[0]?.seq ?? 0)).toBeGreaterThan(BigInt(max));
      await expect(copy.db.$executeRaw`UPDATE ledger_entry SET partner_id = 'rival' WHERE seq = ${max}::bigint`).rejects.toThrow(/append-only/);
    } finally {
      await copy.end();
    }
  });

  it('refuses to restore over a database that already holds tables', async () => {
    await expect(tool('restore', ['--from', DUMP], RESTORED)).rejects.toThrow(/the target database is not empty/);
  });
});
