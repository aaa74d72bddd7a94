import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { japanDay, postPolicyEffect } from '@kuruma/domain-ledger';
import { RenderStatementUseCase } from './render-statement.use-case';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const DAY = 86_400_000;

describe(`${RenderStatementUseCase.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  const sut = new RenderStatementUseCase(db);
  afterAll(() => db.end());

  /** A bound policy of `partnerId` whose premium was written at `at`, in its rows and the ledger. */
  async function boundPolicy(partnerId: string, at: Date, premiumYen: number) {
    const policyId = randomUUID();
    const end = new Date(at.getTime() + 3 * 3_600_000);
    await db.$executeRaw`
      INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, booked_end, premium_yen, tariff_version, request, last_sequence, bound_at)
      VALUES (${policyId}::uuid, ${`KC-ST-${policyId.slice(0, 8)}`}, ${partnerId}, ${`bk-${policyId.slice(0, 8)}`}, 'v', 'd', 'standard', 'bound', 'confirmed', ${at}, ${end}, ${end}, ${premiumYen}, 'standard@st', '{}'::jsonb, 2, ${at})`;
    const entries = postPolicyEffect({ sourceEventId: `${policyId}:policy.bound:st`, partnerId, policyId, tariffVersion: 'standard@st', businessAt: at, kind: 'bound', premiumYen, coverStart: at, coverEnd: end });
    await db.$transaction((tx) => new LedgerRepository().post(tx, entries));
  }

  it('renders a closed day to the same bytes and SHA-256 every time, late entries and other partners included nowhere in it', async () => {
    const partner = `st-${randomUUID().slice(0, 8)}`;
    // A day of its own, long before any other test's, closed alone (the close job of another test
    // may already have closed the recent days, and would post this test's entries as adjustments).
    const day = new Date(Date.parse('2001-01-01T03:00:00Z') + Math.floor(Math.random() * 7000) * DAY);
    const period = japanDay(day);
    await boundPolicy(partner, day, 1200);
    await boundPolicy(partner, new Date(day.getTime() + 60_000), 800);
    await boundPolicy(`${partner}-rival`, day, 5000);
    await db.$transaction((tx) => new LedgerRepository().close(tx, 'day', [period], 'statement-test'));

    const first = await sut.execute(partner, period, 'premium-bordereau', 'csv');
    await boundPolicy(partner, new Date(day.getTime() + 120_000), 999);
    const second = await sut.execute(partner, period, 'premium-bordereau', 'csv');

    expect(first.closed).toBe(true);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.bytes.toString().trim().split('\r\n')).toHaveLength(3);
    const statement = JSON.parse((await sut.execute(partner, period, 'statement', 'json')).bytes.toString()) as Record<string, unknown>;
    expect(statement).toMatchObject({ partnerId: partner, policiesBound: 2, writtenPremiumYen: 2000, netAmountDueYen: 2000, adjustments: 0, closed: true });
    // The late one is an adjustment of today's, still open, day.
    const today = JSON.parse((await sut.execute(partner, japanDay(new Date()), 'statement', 'json')).bytes.toString()) as Record<string, unknown>;
    expect(today).toMatchObject({ writtenPremiumYen: 999, adjustments: 1, closed: false });
  });
});
