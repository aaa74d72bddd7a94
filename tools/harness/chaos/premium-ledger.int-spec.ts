import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ENV } from '../test-env';
import { checkPremiumLedger } from './premium-ledger';

/** The reconcile/chaos check finds what is lost or wrong in the premium ledger, and nothing where it is right. */
describe(checkPremiumLedger.name, () => {
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'], max: 2 });
  afterAll(() => db.end());

  async function policy(premium: number, written: number | null) {
    const id = randomUUID();
    const at = new Date('2026-11-03T01:00:00Z');
    await db.query(
      `INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, premium_yen, request, last_sequence, bound_at)
       VALUES ($1, $2, 'demo', $3, 'v', 'd', 'standard', 'bound', 'confirmed', $4, $4, $5, '{}'::jsonb, 2, $4)`,
      [id, `KC-RC-${id.slice(0, 8)}`, `rc-${id}`, at, premium],
    );
    if (written !== null) {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const entry = await client.query<{ id: string }>(
          `INSERT INTO ledger_entry (source_event_id, rule, partner_id, policy_id, business_at, period_day) VALUES ($1, 'premium-written', 'demo', $2, $3, '') RETURNING id`,
          [`${id}:policy.bound:rc`, id, at],
        );
        await client.query(`INSERT INTO ledger_line (entry_id, line_no, account, debit_yen, credit_yen) VALUES ($1, 1, '1100', $2, 0), ($1, 2, '4100', 0, $2)`, [entry.rows[0]?.id, written]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    return id;
  }

  it('names a policy whose ledger premium differs from its own, under the month of its bind, and a money event with no entry', async () => {
    const right = await policy(1000, 1000);
    const wrong = await policy(1000, 900);
    const missing = await policy(700, null);
    const eventId = `${missing}:policy.bound:rc`;
    const bound = (policyId: string, premium: number) =>
      db.query(`INSERT INTO outbox (producer, topic, key, event_id, payload, published_at) VALUES ('policy', 'rc.policy-events', $1, $2, $3, now())`, [
        `rc-${policyId}`,
        `${policyId}:policy.bound:rc`,
        JSON.stringify({ type: 'com.kurumacover.policy.bound', data: { premium } }),
      ]);
    await bound(missing, 700);
    // Posted, so not lost: the check must look the entry up for policy events too, not only claim events.
    await bound(right, 1000);

    const sut = await checkPremiumLedger(db, { limit: 100_000 });

    const november = sut.premiumMismatches['2026-11'] ?? [];
    expect(november.some((l) => l.startsWith(`${wrong}: ledger written 900, policy premium 1000`))).toBe(true);
    expect(november.some((l) => l.startsWith(`${missing}: ledger written 0`))).toBe(true);
    expect(november.some((l) => l.startsWith(right))).toBe(false);
    expect(sut.eventsWithoutEntries).toContain(eventId);
    expect(sut.eventsWithoutEntries).not.toContain(`${right}:policy.bound:rc`);
    expect(sut.unbalancedEntries).toEqual([]);
    expect(sut.differences).toBeGreaterThanOrEqual(3);
  });
});
