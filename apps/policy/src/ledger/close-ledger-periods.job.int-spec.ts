import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { japanDay, japanMonth, type JournalEntry, postPolicyEffect } from '@kuruma/domain-ledger';
import { CloseLedgerPeriodsJob } from './close-ledger-periods.job';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const DAY = 86_400_000;

describe(`${CloseLedgerPeriodsJob.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const ledger = new LedgerRepository();
  const sut = new CloseLedgerPeriodsJob(db, 'policy-test', 60_000, pino({ level: 'silent' }));
  afterAll(() => db.end());

  const bind = (businessAt: Date, premiumYen: number): JournalEntry[] =>
    postPolicyEffect({ sourceEventId: `close-test:${randomUUID()}`, partnerId: 'demo', policyId: randomUUID(), tariffVersion: 'v', businessAt, kind: 'bound', premiumYen, coverStart: businessAt, coverEnd: new Date(businessAt.getTime() + 3_600_000) });
  const post = (entries: JournalEntry[]) => db.$transaction((tx) => ledger.post(tx, entries));
  const placed = async (sourceEventId: string) =>
    (await db.$queryRaw<{ period_day: string; original_day: string | null }[]>`SELECT period_day, original_day FROM ledger_entry WHERE source_event_id = ${sourceEventId}`)[0];
  const dayTotals = (day: string) =>
    db.$queryRaw<{ entries: string; debits: string }[]>`
      SELECT count(DISTINCT e.id) AS entries, coalesce(sum(l.debit_yen), 0) AS debits FROM ledger_entry e LEFT JOIN ledger_line l ON l.entry_id = e.id WHERE e.period_day = ${day}`;

  it('closes every Japan day and month that is over, never today; a late entry for a closed day posts into the open day as its adjustment, and the closed day never changes', async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 40 * DAY);
    const [early] = bind(past, 700);
    await post([early as JournalEntry]);

    const closed = await sut.tick(now);
    expect(closed).not.toBeNull();
    await db.$transaction(async (tx) => {
      expect(await ledger.isClosed(tx, 'day', japanDay(past))).toBe(true);
      expect(await ledger.isClosed(tx, 'day', japanDay(new Date(now.getTime() - DAY)))).toBe(true);
      expect(await ledger.isClosed(tx, 'day', japanDay(now))).toBe(false);
      expect(await ledger.isClosed(tx, 'month', japanMonth(past))).toBe(true);
      expect(await ledger.isClosed(tx, 'month', japanMonth(now))).toBe(false);
    });
    const before = await dayTotals(japanDay(past));

    const [late] = bind(new Date(past.getTime() + 60_000), 900);
    await post([late as JournalEntry]);
    expect(await placed(late?.sourceEventId ?? '')).toEqual({ period_day: japanDay(new Date()), original_day: japanDay(past) });
    expect(await dayTotals(japanDay(past))).toEqual(before);

    expect(await sut.tick(now)).toEqual({ days: [], months: [] });
  });

  it('refuses to reopen or rewrite a closed period', async () => {
    const day = japanDay(new Date(Date.now() - 2 * DAY));
    await sut.tick();
    await expect(db.$executeRaw`DELETE FROM ledger_period WHERE kind = 'day' AND key = ${day}`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`UPDATE ledger_period SET key = '1999-01-01' WHERE kind = 'day' AND key = ${day}`).rejects.toThrow(/append-only/);
  });

  it('lets one instance close at a time: while another holds the close, a tick does nothing', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const other = db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('ledger-period-close'))`;
      locked();
      await held;
    });
    await lockTaken;
    expect(await sut.tick()).toBeNull();
    release();
    await other;
  });
});
