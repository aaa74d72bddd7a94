import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaimsRepository, SqlDatabase } from '@kuruma/data-access-db';
import { TEST_ENV } from '../../tools/harness';

/**
 * The one-statement read every device message makes after locking its vehicle (real Postgres):
 * duplicate delivery, the open claim, and the cover in force at the instant of the alert.
 */
describe('ClaimsRepository.vehicleSituation (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'], poolSize: 2 });
  const claims = new ClaimsRepository();
  afterAll(() => db.end());

  const at = (iso: string) => new Date(iso);
  async function policy(vehicleId: string, start: string, end: string, partnerId = 'demo'): Promise<string> {
    const id = randomUUID();
    await db.$executeRaw`
      INSERT INTO policy (id, policy_number, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, request, last_sequence)
      VALUES (${id}::uuid, ${`KC-TEST-${id.slice(0, 8)}`}, ${partnerId}, ${`bk-${id}`}, ${vehicleId}, 'drv-1', 'standard', 'ended', 'ended', ${at(start)}, ${at(end)}, '{}'::jsonb, 4)`;
    return id;
  }
  const situation = (vehicleId: string, instant: string, policyHint: string | null, eventId = randomUUID(), partnerId = 'demo') =>
    db.$transaction((tx) => claims.vehicleSituation(tx, { deviceId: `gw-${partnerId}-${vehicleId}`, eventId, partnerId, vehicleId, at: at(instant), policyHint }));
  const openClaim = (vehicleId: string, policyId: string, eventId: string, occurredAt: Date, partnerId = 'demo') => {
    const claimId = randomUUID();
    return db.$transaction(async (tx) => {
      await claims.openClaim(
        tx,
        vehicleId,
        {
          id: claimId, claimNumber: `FNOL-T-${claimId.slice(0, 8)}`, accidentId: null, severity: 'major', policyId,
          policyNumber: `KC-TEST-${policyId.slice(0, 8)}`, bookingId: `bk-${policyId}`, partnerId, driverId: 'drv-1', plan: 'standard',
          coverages: ['vehicle'], reserveYen: 300_000, occurredAt, lat: 35.68, lon: 139.76, cause: 'collision',
        },
        { deviceId: `gw-${partnerId}-${vehicleId}`, eventId, channel: 'crash', payload: { eventId }, occurredAt },
      );
      return claimId;
    });
  };

  it('finds the policy in force at the instant, preferring the hint only when it is in force then', async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const morning = await policy(vehicleId, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const noon = await policy(vehicleId, '2026-11-20T11:00:00+09:00', '2026-11-20T13:00:00+09:00');

    expect((await situation(vehicleId, '2026-11-20T10:00:00+09:00', null)).cover?.policyId).toBe(morning);
    // A stale hint (the cover index still names the morning booking) does not win after it ended.
    expect((await situation(vehicleId, '2026-11-20T12:00:00+09:00', morning)).cover?.policyId).toBe(noon);
    // At the hand-over minute both are in force: the hint decides, and without one the later start.
    expect((await situation(vehicleId, '2026-11-20T11:00:00+09:00', morning)).cover?.policyId).toBe(morning);
    expect((await situation(vehicleId, '2026-11-20T11:00:00+09:00', null)).cover?.policyId).toBe(noon);
    expect((await situation(vehicleId, '2026-11-20T14:00:00+09:00', noon)).cover).toBeNull();
  });

  it("reports a device message seen once it is an incident or a claim's signal, and the open claim with its signals", async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const policyId = await policy(vehicleId, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const eventId = randomUUID();
    const fresh = await situation(vehicleId, '2026-11-20T10:00:00+09:00', null, eventId);
    expect(fresh).toMatchObject({ seen: false, open: null });

    const occurredAt = at('2026-11-20T10:00:00+09:00');
    const claimId = await openClaim(vehicleId, policyId, eventId, occurredAt);
    const again = await situation(vehicleId, '2026-11-20T10:00:05+09:00', null, eventId);
    expect(again.seen).toBe(true);
    expect(again.open).toMatchObject({ id: claimId, status: 'provisional', signalCount: 1, reserveYen: 300_000, coverages: ['vehicle'], lat: 35.68 });
    expect(again.open?.lastSignalAt).toEqual(occurredAt);
    expect(again.open?.occurredAt).toEqual(occurredAt);
  });

  it("finding 3: finds only the device's partner's cover and open claim on a vehicle id another partner also uses", async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const other = `sec-other-${randomUUID().slice(0, 8)}`;
    const demoPolicy = await policy(vehicleId, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const demoClaim = await openClaim(vehicleId, demoPolicy, randomUUID(), at('2026-11-20T10:00:00+09:00'));

    // Another partner's device on the same vehicle id: no cover (even with demo's policy as the hint), no open claim.
    const foreign = await situation(vehicleId, '2026-11-20T10:00:30+09:00', demoPolicy, randomUUID(), other);
    expect(foreign).toMatchObject({ seen: false, open: null, cover: null });
    // Its own policy on that vehicle id is its cover, and demo still finds only its own.
    const otherPolicy = await policy(vehicleId, '2026-11-20T09:30:00+09:00', '2026-11-20T10:30:00+09:00', other);
    expect((await situation(vehicleId, '2026-11-20T10:00:30+09:00', demoPolicy, randomUUID(), other)).cover).toMatchObject({ policyId: otherPolicy, partnerId: other });
    const own = await situation(vehicleId, '2026-11-20T10:00:30+09:00', otherPolicy);
    expect(own.cover).toMatchObject({ policyId: demoPolicy, partnerId: 'demo' });
    expect(own.open?.id).toBe(demoClaim);
  });
  it('reads several messages in one statement, in the order asked, each as it would alone (partner, duplicate, cover, open claim)', async () => {
    const vehicleId = `veh-${randomUUID().slice(0, 8)}`;
    const bare = `veh-${randomUUID().slice(0, 8)}`;
    const other = `sec-other-${randomUUID().slice(0, 8)}`;
    const policyId = await policy(vehicleId, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const seenEvent = randomUUID();
    const claimId = await openClaim(vehicleId, policyId, seenEvent, at('2026-11-20T10:00:00+09:00'));
    const q = (v: string, instant: string, eventId = randomUUID(), partnerId = 'demo') => ({ deviceId: `gw-${partnerId}-${v}`, eventId, partnerId, vehicleId: v, at: at(instant), policyHint: null });
    const asked = [
      q(vehicleId, '2026-11-20T10:00:05+09:00', seenEvent),
      q(bare, '2026-11-20T10:00:00+09:00'),
      q(vehicleId, '2026-11-20T10:00:30+09:00', randomUUID(), other),
      q(vehicleId, '2026-11-20T12:00:00+09:00'),
    ];
    const together = await db.$transaction((tx) => claims.vehicleSituations(tx, asked));
    const alone = await Promise.all(asked.map((one) => db.$transaction((tx) => claims.vehicleSituation(tx, one))));
    expect(together).toEqual(alone);
    expect(together.map((s) => [s.seen, s.open?.id ?? null, s.cover?.policyId ?? null])).toEqual([
      [true, claimId, policyId],
      [false, null, null],
      [false, null, null],
      [false, claimId, null],
    ]);
    expect(await db.$transaction((tx) => claims.vehicleSituations(tx, []))).toEqual([]);
  });

  it("opens several claims in one statement: each row and its first signal as openClaim writes it, and each vehicle's open damage claims before it", async () => {
    const car = `veh-${randomUUID().slice(0, 8)}`;
    const van = `veh-${randomUUID().slice(0, 8)}`;
    const carPolicy = await policy(car, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const vanPolicy = await policy(van, '2026-11-20T09:00:00+09:00', '2026-11-20T11:00:00+09:00');
    const newClaim = (vehicleId: string, policyId: string, coverages: string[], accidentId: string | null) => {
      const id = randomUUID();
      const eventId = randomUUID();
      const occurredAt = at('2026-11-20T10:00:00+09:00');
      return {
        vehicleId,
        claim: {
          id, claimNumber: `FNOL-T-${id.slice(0, 8)}`, accidentId, severity: 'major', policyId, policyNumber: `KC-TEST-${policyId.slice(0, 8)}`,
          bookingId: `bk-${policyId}`, partnerId: 'demo', driverId: 'drv-1', plan: 'standard', coverages, reserveYen: 250_000, occurredAt,
          lat: 35.68, lon: null, cause: 'collision',
        },
        signal: { deviceId: `gw-demo-${vehicleId}`, eventId, channel: 'crash', payload: { eventId, peakG: 6.5, note: 'はい' }, occurredAt },
      };
    };
    // The car already has an open damage claim (and one without damage cover, not counted); the van has none.
    expect(await db.$transaction((tx) => claims.openClaims(tx, [newClaim(car, carPolicy, ['vehicle-damage'], null)]))).toEqual([0]);
    await openClaim(car, carPolicy, randomUUID(), at('2026-11-20T09:30:00+09:00'));
    const opens = [
      newClaim(van, vanPolicy, ['vehicle-damage', 'liability'], 'acc-1'),
      newClaim(car, carPolicy, ['vehicle-damage'], null),
      newClaim(van, vanPolicy, ['liability'], null),
      newClaim(van, vanPolicy, ['vehicle-damage'], null),
    ];
    const before = await db.$transaction((tx) => claims.openClaims(tx, opens));
    // The van's first damage claim had none before it, its second one the first; the car had one.
    expect(before).toEqual([0, 1, 1, 1]);
    // What the van's next damage claim would count: the two damage claims written above.
    expect(await db.$transaction((tx) => claims.openDamageCount(tx, { partnerId: 'demo', vehicleId: van }))).toBe(2);
    const rows = await db.$queryRaw<{ id: string; status: string; accident_id: string | null; coverages: string[]; reserve_yen: number; lat: number | null; lon: number | null; occurred_at: Date; last_signal_at: Date; signals: { event_id: string; payload: unknown; occurred_at: Date }[] }[]>`
      SELECT c.id::text AS id, c.status, c.accident_id, c.coverages, c.reserve_yen, c.lat, c.lon, c.occurred_at, c.last_signal_at,
             (SELECT json_agg(json_build_object('event_id', s.event_id, 'payload', s.payload, 'occurred_at', s.occurred_at)) FROM claim_signal s WHERE s.claim_id = c.id) AS signals
      FROM claim c WHERE c.id = ANY(${opens.map((o) => o.claim.id)}::uuid[])`;
    expect(rows).toHaveLength(4);
    for (const o of opens) {
      const row = rows.find((r) => r.id === o.claim.id);
      expect(row).toMatchObject({ status: 'provisional', accident_id: o.claim.accidentId, coverages: o.claim.coverages, reserve_yen: 250_000, lat: 35.68, lon: null });
      expect(row?.occurred_at.toISOString()).toBe('2026-11-20T01:00:00.000Z');
      expect(row?.last_signal_at.toISOString()).toBe('2026-11-20T01:00:00.000Z');
      expect(row?.signals).toEqual([{ event_id: o.signal.eventId, payload: o.signal.payload, occurred_at: '2026-11-20T01:00:00+00:00' }]);
    }
    // The opened claims are what the next alert on the vehicle finds: its latest open claim.
    const next = await db.$transaction((tx) => claims.vehicleSituation(tx, { deviceId: `gw-demo-${van}`, eventId: opens[3]?.signal.eventId ?? '', partnerId: 'demo', vehicleId: van, at: at('2026-11-20T10:00:10+09:00'), policyHint: null }));
    expect(next.seen).toBe(true);
    expect(await db.$transaction((tx) => claims.openClaims(tx, []))).toEqual([]);
  });
});
