import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { claimEventV1Schema, vehicleDamageFlagKey } from '@kuruma/contracts';
import { ClaimsRepository, SqlDatabase } from '@kuruma/data-access-db';
import { ChangeClaimStatusUseCase } from '../../apps/claims-trigger/src/claims/change-claim-status.use-case';
import { DamageFlags } from '../../apps/claims-trigger/src/fraud-guard/damage-flags';
import { TEST_ENV } from '../../tools/harness';

/**
 * Ops and partners confirm, withdraw and close claims through the same node-postgres transactions
 * as device signals (real Postgres and Redis): status, audit entry, claim event and damage flag.
 */
describe(`${ChangeClaimStatusUseCase.name} (real Postgres and Redis)`, () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  const producer = `claim-status-spec-${randomUUID().slice(0, 8)}`;
  const sut = new ChangeClaimStatusUseCase(db, new DamageFlags(redis), producer, (b) => `spec.${b}`);
  const claims = new ClaimsRepository();
  const ops = { name: 'ops-alice', role: 'admin' };
  afterAll(async () => {
    await db.end();
    redis.disconnect();
  });

  /** A provisional damage claim with two signals (the first from `gw-first`) on a fresh vehicle. */
  async function provisionalClaim(partnerId = 'demo') {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const claimId = randomUUID();
    const policyId = randomUUID();
    const occurredAt = new Date('2026-11-20T10:00:00+09:00');
    await db.$transaction(async (tx) => {
      await claims.openClaim(
        tx,
        vehicleId,
        {
          id: claimId, claimNumber: `FNOL-T-${claimId.slice(0, 8)}`, accidentId: null, severity: 'major', policyId, policyNumber: `KC-TEST-${policyId.slice(0, 8)}`,
          bookingId: `bk-${policyId}`, partnerId, driverId: 'drv-1', plan: 'standard', coverages: ['vehicle-damage'], reserveYen: 500_000, occurredAt, lat: null, lon: null,
          cause: 'collision',
        },
        { deviceId: 'gw-first', eventId: randomUUID(), channel: 'crash', payload: {}, occurredAt },
      );
      await claims.attachSignal(tx, claimId, { deviceId: 'gw-second', eventId: randomUUID(), channel: 'crash', payload: {}, occurredAt: new Date(occurredAt.getTime() + 5_000) });
    });
    const vehicle = { partnerId, vehicleId };
    await redis.set(vehicleDamageFlagKey(partnerId, vehicleId), 'set');
    return { claimId, vehicle };
  }

  const statusOf = async (claimId: string) => (await db.$queryRaw<{ status: string }[]>`SELECT status FROM claim WHERE id = ${claimId}::uuid`)[0]?.status;
  /** What the use case put in the outbox for a vehicle: claim events and damage counts (both name the vehicle). */
  const outbox = (vehicle: { vehicleId: string }) =>
    db.$queryRaw<{ topic: string; payload: string }[]>`SELECT topic, payload FROM outbox WHERE producer = ${producer} AND payload LIKE ${`%${vehicle.vehicleId}%`} ORDER BY id`;

  it('confirms a provisional claim: audited, com.kurumacover.claim.confirmed with its signals and first device, and the flag stays while the claim is open', async () => {
    const { claimId, vehicle } = await provisionalClaim();
    expect(await sut.execute(claimId, 'confirm', ops)).toEqual({ claimId, status: 'confirmed', changed: true });
    expect(await statusOf(claimId)).toBe('confirmed');
    const audit = await db.$queryRaw<{ actor: string; action: string; details: unknown }[]>`SELECT actor, action, details FROM audit_log WHERE target_type = 'claim' AND target_id = ${claimId}`;
    expect(audit).toEqual([{ actor: 'ops-alice', action: 'claim.confirm', details: { from: 'provisional', to: 'confirmed' } }]);
    const [event, damage] = await outbox(vehicle);
    const published = claimEventV1Schema.parse(JSON.parse(event?.payload ?? ''));
    expect(published).toMatchObject({ type: 'com.kurumacover.claim.confirmed', data: { claimId, status: 'confirmed', deviceId: 'gw-first', signalCount: 2, actor: 'ops-alice', reserve: 500_000 } });
    expect(JSON.parse(damage?.payload ?? '')).toMatchObject({ ...vehicle, openDamageClaims: 1 });
    expect(await redis.get(vehicleDamageFlagKey(vehicle.partnerId, vehicle.vehicleId))).not.toBeNull();
  });

  it('answers a repeated action with no change and no second event, and refuses a transition the claim cannot make', async () => {
    const { claimId, vehicle } = await provisionalClaim();
    await sut.execute(claimId, 'confirm', ops);
    expect(await sut.execute(claimId, 'confirm', ops)).toEqual({ claimId, status: 'confirmed', changed: false });
    await expect(sut.execute(claimId, 'withdraw', ops)).rejects.toThrow();
    expect(await statusOf(claimId)).toBe('confirmed');
    expect((await outbox(vehicle)).filter((r) => r.payload.includes('com.kurumacover.claim.confirmed'))).toHaveLength(1);
  });

  it("closes a confirmed claim and lifts the vehicle's damage flag with its last open damage claim", async () => {
    const { claimId, vehicle } = await provisionalClaim();
    await sut.execute(claimId, 'confirm', ops);
    expect(await sut.execute(claimId, 'close', ops)).toEqual({ claimId, status: 'closed', changed: true });
    expect(await redis.get(vehicleDamageFlagKey(vehicle.partnerId, vehicle.vehicleId))).toBeNull();
    const last = (await outbox(vehicle)).at(-1);
    expect(JSON.parse(last?.payload ?? '')).toMatchObject({ ...vehicle, openDamageClaims: 0 });
  });

  it("hides another partner's claim (404) and changes nothing", async () => {
    const { claimId } = await provisionalClaim();
    await expect(sut.execute(claimId, 'withdraw', { name: 'partner:rival', role: 'partner', partnerId: 'rival' })).rejects.toThrow();
    expect(await statusOf(claimId)).toBe('provisional');
  });
  const ledgerOf = (claimId: string) =>
    db.$queryRaw<{ rule: string; account: string; debit_yen: string; credit_yen: string }[]>`
      SELECT e.rule, l.account, l.debit_yen, l.credit_yen FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
      WHERE e.claim_id = ${claimId}::uuid ORDER BY e.seq, l.line_no`;

  it("releases a withdrawn claim's reserve in the premium ledger, in the withdrawal's transaction, once", async () => {
    const { claimId } = await provisionalClaim();
    await sut.execute(claimId, 'withdraw', ops);
    await sut.execute(claimId, 'withdraw', ops);
    expect(await ledgerOf(claimId)).toEqual([
      { rule: 'claim-reserve-released', account: '2300', debit_yen: '500000', credit_yen: '0' },
      { rule: 'claim-reserve-released', account: '5100', debit_yen: '0', credit_yen: '500000' },
    ]);
  });

  it('settles a closed claim at its reserve: the case reserve moves to claims payable, the incurred loss stays', async () => {
    const { claimId } = await provisionalClaim();
    await sut.execute(claimId, 'confirm', ops);
    await sut.execute(claimId, 'close', ops);
    expect((await ledgerOf(claimId)).map((l) => [l.rule, l.account, l.debit_yen, l.credit_yen])).toEqual([
      ['claim-settled', '2300', '500000', '0'],
      ['claim-settled', '2400', '0', '500000'],
    ]);
  });
});
