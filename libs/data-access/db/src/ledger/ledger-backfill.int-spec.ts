import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '../sql/sql-database';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';
const BACKFILL = readFileSync(resolve(__dirname, '../../../../../prisma/migrations/20261201190100_premium_ledger_backfill/migration.sql'), 'utf8');

/** The backfill migration posts the entries of policies written before the ledger, and only once. */
describe('premium ledger backfill (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 2 });
  afterAll(() => db.end());

  const backfill = () => db.$transaction((tx) => tx.$queryRawUnsafe(BACKFILL));
  const entriesOf = (policyId: string) =>
    db.$queryRaw<{ source_event_id: string; rule: string; written: string; returned: string; reduction_yen: number }[]>`
      SELECT e.source_event_id, e.rule, e.reduction_yen,
             coalesce(sum(l.credit_yen) FILTER (WHERE l.account = '4100'), 0) AS written,
             coalesce(sum(l.debit_yen) FILTER (WHERE l.account = '4110'), 0) AS returned
      FROM ledger_entry e LEFT JOIN ledger_line l ON l.entry_id = e.id WHERE e.policy_id = ${policyId}::uuid GROUP BY e.id ORDER BY e.business_at, e.seq`;

  it('posts bind, extension and refund of a pre-ledger policy from its rows, and nothing more when run again', async () => {
    const policyId = randomUUID();
    const start = new Date('2026-11-10T01:00:00Z');
    const end = new Date('2026-11-12T01:00:00Z');
    const extendedTo = new Date('2026-11-13T01:00:00Z');
    const endedAt = new Date('2026-11-11T01:00:00Z');
    await db.$executeRaw`
      INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, booked_end,
                          premium_yen, refund_yen, tariff_version, request, last_sequence, bound_at)
      VALUES (${policyId}::uuid, ${`KC-BF-${policyId.slice(0, 8)}`}, 'demo', ${`bf-${policyId}`}, 'v-bf', 'd-bf', 'standard', 'ended', 'ended', ${start}, ${endedAt}, ${extendedTo},
              5000, 1200, 'standard@backfill', '{}'::jsonb, 4, ${new Date('2026-11-09T01:00:00Z')})`;
    await db.$executeRaw`
      INSERT INTO endorsement (id, policy_id, kind, reason, premium_delta_yen, refund_yen, cover_end_before, cover_end_after, cause_id, created_at) VALUES
        (gen_random_uuid(), ${policyId}::uuid, 'extension', 'booking-extended', 1500, 0, ${end}, ${extendedTo}, 'demo:x1', ${new Date('2026-11-10T05:00:00Z')}),
        (gen_random_uuid(), ${policyId}::uuid, 'end', 'early-end', 0, 1200, ${extendedTo}, ${endedAt}, 'demo:e1', ${endedAt})`;

    await backfill();
    const first = await entriesOf(policyId);
    expect(first).toEqual([
      { source_event_id: `${policyId}:policy.bound:backfill`, rule: 'premium-written', reduction_yen: 0, written: '3500', returned: '0' },
      { source_event_id: `${policyId}:policy.extended:demo:x1`, rule: 'extension-premium', reduction_yen: 0, written: '1500', returned: '0' },
      { source_event_id: `${policyId}:policy.ended:demo:e1`, rule: 'return-premium', reduction_yen: 1200, written: '0', returned: '1200' },
    ]);

    await backfill();
    expect(await entriesOf(policyId)).toEqual(first);
  });
});
