import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credit, debit, type JournalEntry } from '@kuruma/domain-ledger';
import { SqlDatabase } from '../sql/sql-database';
import { LedgerRepository } from './ledger.repository';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/** A day no other test posts into, closed here (periods are append-only: closed once, for good). */
const CLOSED_DAY = '2031-03-03';
const tokyoDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(at);

const lateEntry = (): JournalEntry => ({
  sourceEventId: `business-now-${randomUUID()}`,
  rule: 'partner-remittance',
  partnerId: 'demo',
  policyId: null,
  claimId: null,
  tariffVersion: null,
  businessAt: new Date(`${CLOSED_DAY}T12:00:00+09:00`),
  coverStart: null,
  coverEnd: null,
  reductionYen: 0,
  lines: [debit('1000', 700), credit('1100', 700)],
});

/**
 * An entry whose own day is closed posts into "today" as an adjustment; today is the writer's
 * business instant when it names one (a simulated clock), set in the insert's own round trip.
 */
describe('ledger posting on the writer business clock (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const ledger = new LedgerRepository();
  const dayOf = async (entry: JournalEntry) =>
    (await db.$queryRaw<{ period_day: string; original_day: string | null }[]>`SELECT period_day, original_day FROM ledger_entry WHERE source_event_id = ${entry.sourceEventId}`)[0];

  beforeAll(async () => {
    await db.$executeRaw`INSERT INTO ledger_period (kind, key, closed_by) VALUES ('day', ${CLOSED_DAY}, 'ledger-business-now test') ON CONFLICT DO NOTHING`;
  });
  afterAll(() => db.end());

  it('posts a late entry into the day of the business instant given, and later posts of the transaction into the same day', async () => {
    const [named, following] = [lateEntry(), lateEntry()];
    await db.$transaction(async (tx) => {
      await ledger.post(tx, [named], new Date('2031-03-05T23:30:00+09:00'));
      await ledger.post(tx, [following]);
    });
    expect(await dayOf(named)).toEqual({ period_day: '2031-03-05', original_day: CLOSED_DAY });
    expect(await dayOf(following)).toEqual({ period_day: '2031-03-05', original_day: CLOSED_DAY });
  });

  it('posts a late entry into the database clock\'s today when the writer names no business instant', async () => {
    const entry = lateEntry();
    const before = tokyoDay(new Date());
    await db.$transaction((tx) => ledger.post(tx, [entry]));
    const day = await dayOf(entry);
    expect(day?.original_day).toBe(CLOSED_DAY);
    expect([before, tokyoDay(new Date())]).toContain(day?.period_day);
  });
});
