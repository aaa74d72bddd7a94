import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaimsRepository, LedgerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { ChangeClaimReserveUseCase } from '../../apps/claims-trigger/src/claims/change-claim-reserve.use-case';
import { ChangeClaimStatusUseCase } from '../../apps/claims-trigger/src/claims/change-claim-status.use-case';
import { claimLedgerEntries } from '../../apps/claims-trigger/src/claims/claim-ledger';
import { RecordClaimPaymentUseCase } from '../../apps/claims-trigger/src/claims/record-claim-payment.use-case';
import { DamageFlags } from '../../apps/claims-trigger/src/fraud-guard/damage-flags';
import { TEST_ENV } from '../../tools/harness';

/**
 * A claim's money after first notice (issue #19), on real Postgres: a claims handler changes the
 * case reserve, the claim closes at it, and payments take the payable down, each in the premium
 * ledger once, balanced, audited, and never more than was settled.
 */
describe('claim reserve changes and payments (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 4 });
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  const claims = new ClaimsRepository();
  const status = new ChangeClaimStatusUseCase(db, new DamageFlags(redis), `claim-money-spec-${randomUUID().slice(0, 8)}`, (b) => `spec.${b}`);
  const reserve = new ChangeClaimReserveUseCase(db);
  const payment = new RecordClaimPaymentUseCase(db);
  const handler = { name: 'ops-hana', role: 'claims-handler' };
  afterAll(async () => {
    await db.end();
    redis.disconnect();
  });

  async function provisionalClaim(reserveYen = 500_000) {
    const claimId = randomUUID();
    const policyId = randomUUID();
    const occurredAt = new Date('2026-11-20T10:00:00+09:00');
    await db.$transaction(async (tx) => {
      await claims.openClaim(
        tx,
        `veh-${claimId.slice(0, 8)}`,
        {
          id: claimId, claimNumber: `FNOL-M-${claimId.slice(0, 8)}`, accidentId: null, severity: 'major', policyId, policyNumber: `KC-M-${policyId.slice(0, 8)}`,
          bookingId: `bk-${policyId}`, partnerId: 'demo', driverId: 'drv-1', plan: 'standard', coverages: ['vehicle-damage'], reserveYen, occurredAt, lat: null, lon: null, cause: 'collision',
        },
        { deviceId: 'gw-m', eventId: randomUUID(), channel: 'crash', payload: {}, occurredAt },
      );
    });
    return claimId;
  }

  /** Each account's balance (debit - credit) over the claim's ledger lines, and the entries by rule. */
  async function ledgerOf(claimId: string) {
    const lines = await db.$queryRaw<{ account: string; balance: bigint }[]>`
      SELECT l.account, sum(l.debit_yen - l.credit_yen) AS balance FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
      WHERE e.claim_id = ${claimId}::uuid GROUP BY l.account ORDER BY l.account`;
    const rules = await db.$queryRaw<{ rule: string }[]>`SELECT rule FROM ledger_entry WHERE claim_id = ${claimId}::uuid ORDER BY seq`;
    return { balances: Object.fromEntries(lines.map((l) => [l.account, Number(l.balance)])), rules: rules.map((r) => r.rule) };
  }
  const reserveOf = async (claimId: string) => (await db.$queryRaw<{ r: number }[]>`SELECT reserve_yen AS r FROM claim WHERE id = ${claimId}::uuid`)[0]?.r;

  it('raises and lowers an open reserve as incurred movements, closes at the new reserve and pays it in parts, down to nothing payable', async () => {
    const claimId = await provisionalClaim(500_000);
    // The opening entry is written by the intake's transaction in production; post it as the intake does.
    await db.$transaction((tx) => new LedgerRepository().post(tx, claimLedgerEntries('opened', { id: claimId, partnerId: 'demo', policyId: randomUUID(), reserveYen: 500_000 }, `${claimId}:opened`, new Date())));

    expect(await reserve.execute(claimId, { reserveYen: 650_000, reason: 'repair shop estimate' }, handler)).toEqual({ claimId, reserveYen: 650_000, changed: true });
    expect(await reserve.execute(claimId, { reserveYen: 650_000, reason: 'same again' }, handler)).toEqual({ claimId, reserveYen: 650_000, changed: false });
    expect(await reserve.execute(claimId, { reserveYen: 400_000, reason: 'adjuster report' }, handler)).toMatchObject({ reserveYen: 400_000, changed: true });
    expect(await reserveOf(claimId)).toBe(400_000);
    expect(await ledgerOf(claimId)).toEqual({ balances: { '2300': -400_000, '5100': 400_000 }, rules: ['claim-reserve-opened', 'claim-reserve-adjusted', 'claim-reserve-adjusted'] });

    await status.execute(claimId, 'confirm', handler);
    await status.execute(claimId, 'close', handler);
    expect((await ledgerOf(claimId)).balances).toEqual({ '2300': 0, '2400': -400_000, '5100': 400_000 });

    expect(await payment.execute(claimId, { paymentReference: 'TR-1', amountYen: 300_000, payee: 'Shinjuku Body Works' }, handler)).toEqual({
      claimId, paymentReference: 'TR-1', amountYen: 300_000, outstandingYen: 100_000, recorded: true,
    });
    // The same reference again is the same payment: nothing posted twice; with another amount it is refused.
    expect(await payment.execute(claimId, { paymentReference: 'TR-1', amountYen: 300_000, payee: 'Shinjuku Body Works' }, handler)).toMatchObject({ recorded: false, outstandingYen: 100_000 });
    await expect(payment.execute(claimId, { paymentReference: 'TR-1', amountYen: 250_000, payee: 'x' }, handler)).rejects.toThrow(/recorded with 300000 yen/);
    await expect(payment.execute(claimId, { paymentReference: 'TR-2', amountYen: 100_001, payee: 'x' }, handler)).rejects.toThrow(/more than the 100000 yen still payable/);
    await payment.execute(claimId, { paymentReference: 'TR-2', amountYen: 100_000, payee: 'Driver' }, handler);
    expect(await ledgerOf(claimId)).toEqual({
      balances: { '1000': -400_000, '2300': 0, '2400': 0, '5100': 400_000 },
      rules: ['claim-reserve-opened', 'claim-reserve-adjusted', 'claim-reserve-adjusted', 'claim-settled', 'claim-paid', 'claim-paid'],
    });
    const audit = await db.$queryRaw<{ action: string; details: Record<string, unknown> }[]>`
      SELECT action, details FROM audit_log WHERE target_type = 'claim' AND target_id = ${claimId} AND action IN ('claim.reserve-changed', 'claim.paid') ORDER BY at, action`;
    // Sorted: two entries of one millisecond have no order.
    expect(audit.map((a) => `${a.action} ${String(a.details['reason'] ?? a.details['payee'])}`).sort()).toEqual([
      'claim.paid Driver',
      'claim.paid Shinjuku Body Works',
      'claim.reserve-changed adjuster report',
      'claim.reserve-changed repair shop estimate',
    ]);
  });

  it('refuses a final reserve, a payment before the close, and a partner, changing nothing', async () => {
    const claimId = await provisionalClaim(200_000);
    await expect(payment.execute(claimId, { paymentReference: 'TR-early', amountYen: 1, payee: 'x' }, handler)).rejects.toThrow(/close it first/);
    await expect(reserve.execute(claimId, { reserveYen: 1, reason: 'partner tries' }, { name: 'partner:demo', role: 'partner', partnerId: 'demo' })).rejects.toThrow(/not found/);
    await expect(reserve.execute('not-a-claim', { reserveYen: 1, reason: 'bad id' }, handler)).rejects.toThrow(/not found/);
    await status.execute(claimId, 'withdraw', handler);
    await expect(reserve.execute(claimId, { reserveYen: 1, reason: 'after withdrawal' }, handler)).rejects.toThrow(/reserve of a withdrawn claim is final/);
    expect(await reserveOf(claimId)).toBe(200_000);
    expect((await ledgerOf(claimId)).rules).not.toContain('claim-paid');
  });

  it('lets only one of two payments racing for the last of the payable through', async () => {
    const claimId = await provisionalClaim(300_000);
    await status.execute(claimId, 'confirm', handler);
    await status.execute(claimId, 'close', handler);
    const results = await Promise.allSettled([
      payment.execute(claimId, { paymentReference: 'RACE-A', amountYen: 200_000, payee: 'a' }, handler),
      payment.execute(claimId, { paymentReference: 'RACE-B', amountYen: 200_000, payee: 'b' }, handler),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await ledgerOf(claimId)).balances['2400']).toBe(-100_000);
  });
});
