import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlDatabase, TariffVersionRepository } from '@kuruma/data-access-db';
import { driverAgeBand, mulberry32 } from '@kuruma/domain-calibration';
import {
  approveTariffVersion,
  computePremium,
  governedTariffSet,
  priceQuote,
  REFERENCE_BOOK_MIX,
  referenceBook,
  scheduleTariffVersion,
  shippedTariffDocuments,
  TariffLifecycleError,
  TariffRegistry,
  tariffs,
} from '@kuruma/domain-rating';
import { calibrateTariff } from './calibrate-tariff.use-case';

/** The database the int tier's global setup migrates for this run (test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/**
 * A year of experience in 2025 (no other test writes cover then): real quote requests of the
 * reference book's mix, priced with the launch tariff, with claims drawn so that drivers aged
 * 18-20 claim three times as often as the rest (the filed factor is 2.2) and the others as filed.
 */
const FROM = new Date('2025-01-01T00:00:00+09:00');
const HOLD_OUT = new Date('2025-10-01T00:00:00+09:00');
const TO = new Date('2026-01-01T00:00:00+09:00');
const POLICIES = 6000;

async function storeExperience(db: SqlDatabase, partnerId: string): Promise<void> {
  const random = mulberry32(2025);
  const launch = tariffs.byVersion(tariffs.inForceAt(new Date('2026-10-01T00:00:00+09:00'))?.version ?? '');
  const book = referenceBook({ ...REFERENCE_BOOK_MIX, size: POLICIES, seed: 2025, startsAt: '2025-01-01T00:00:00+09:00' });
  const policies: unknown[][] = [];
  const claims: unknown[][] = [];
  for (const [i, { request }] of book.entries()) {
    const startMs = FROM.getTime() + Math.floor(random() * (TO.getTime() - FROM.getTime()));
    const minutes = (Date.parse(request.endsAt) - Date.parse(request.startsAt)) / 60_000;
    const start = new Date(startMs);
    const end = new Date(startMs + minutes * 60_000);
    const moved = { ...request, bookingId: `cal-${i}`, partnerId, startsAt: start.toISOString(), endsAt: end.toISOString() };
    const premium = computePremium(moved, launch, start, end, { platformClaims: 0, omitSources: true }).premium;
    const id = randomUUID();
    policies.push([id, partnerId, moved.bookingId, moved.vehicle.vehicleId, moved.driver.driverId, moved.plan, start, end, premium, launch.version, JSON.stringify(moved)]);
    const young = driverAgeBand(moved.driver.age) === '18-20';
    // 0.3 claims per day for the reference driver (inflated, so 6,000 bookings carry enough
    // claims); 3x for 18-20 (filed 2.2), otherwise as filed. Poisson counts: a long booking may
    // carry several claims, so the young drivers' relativity is not squashed by a cap of one.
    const rate = 0.3 * (young ? 3 : (launch.data.driverAge.bands.find(([a, b]) => moved.driver.age >= a && moved.driver.age <= b)?.[2] ?? 1)) * (minutes / 1440);
    let count = 0;
    for (let p = random(); p > Math.exp(-rate); p *= random()) count++;
    for (let k = 0; k < count; k++) {
      const coverages = moved.plan === 'liability' ? ['bodily-injury-liability', 'property-damage-liability'] : ['property-damage-liability', 'vehicle-damage'];
      claims.push([randomUUID(), `CAL-${partnerId}-${i}-${k}`, partnerId, moved.vehicle.vehicleId, id, `KC-CAL-${i}`, moved.bookingId, moved.driver.driverId, moved.plan, new Date(startMs + 60_000 * (k + 1)), JSON.stringify(coverages), Math.round(200_000 + random() * 600_000)]);
    }
  }
  await db.$queryRawUnsafe(
    `INSERT INTO policy (id, partner_id, booking_id, vehicle_id, driver_id, plan, status, booking_status, cover_start, cover_end, booked_end, premium_yen, tariff_version, request, last_sequence)
     SELECT p.id::uuid, p.partner, p.booking, p.vehicle, p.driver, p.plan, 'ended', 'ended', p.s, p.e, p.e, p.premium, p.version, p.request::jsonb, 1
       FROM jsonb_to_recordset($1::jsonb) AS p(id text, partner text, booking text, vehicle text, driver text, plan text, s timestamptz, e timestamptz, premium int, version text, request text)`,
    JSON.stringify(policies.map(([id, partner, booking, vehicle, driver, plan, s, e, premium, version, request]) => ({ id, partner, booking, vehicle, driver, plan, s, e, premium, version, request }))),
  );
  await db.$queryRawUnsafe(
    `INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause, occurred_at, last_signal_at, coverages, reserve_yen)
     SELECT c.id::uuid, c.number, c.partner, c.vehicle, c.policy::uuid, c.policy_number, c.booking, c.driver, c.plan, 'confirmed', 'major', 'collision', c.at, c.at, c.coverages::jsonb, c.reserve
       FROM jsonb_to_recordset($1::jsonb) AS c(id text, number text, partner text, vehicle text, policy text, policy_number text, booking text, driver text, plan text, at timestamptz, coverages text, reserve int)`,
    JSON.stringify(claims.map(([id, number, partner, vehicle, policy, policy_number, booking, driver, plan, at, coverages, reserve]) => ({ id, number, partner, vehicle, policy, policy_number, booking, driver, plan, at, coverages, reserve }))),
  );
}

describe('a calibrated tariff goes through the governance like any tariff (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const store = new TariffVersionRepository(db);
  const partnerId = `calib-${randomUUID().slice(0, 8)}`;
  const author = `calibration:alice-${partnerId}`;
  let result: Awaited<ReturnType<typeof calibrateTariff>>;

  beforeAll(async () => {
    await store.seedShipped(shippedTariffDocuments, new Date());
    await storeExperience(db, partnerId);
    result = await calibrateTariff(db, { from: FROM, to: TO, holdOutFrom: HOLD_OUT, actor: author });
  });
  afterAll(() => db.end());

  it('drafts a version, never approved or scheduled by the calibration, recorded with its run and audit entry', async () => {
    const stored = await store.find(result.draftVersion ?? '');
    expect(stored?.record).toMatchObject({ draftedBy: author, approvedBy: null, effectiveFrom: null });
    const [run] = await db.$queryRaw<{ draftVersion: string; basedOn: string }[]>`
      SELECT draft_version AS "draftVersion", based_on_version AS "basedOn" FROM calibration_run WHERE id = ${result.runId}`;
    expect(run).toEqual({ draftVersion: result.draftVersion, basedOn: result.basedOnVersion });
    const audits = await db.$queryRaw<{ action: string }[]>`SELECT action FROM audit_log WHERE target_id = ${result.draftVersion} AND actor = ${author}`;
    expect(audits.map((a) => a.action)).toEqual(['tariff.draft']);
  });

  it('reads the experience it was given and moves the young drivers’ factor toward it, within the cap', () => {
    expect(result.run.training.intervals + result.run.holdOut.intervals).toBe(POLICIES);
    expect(result.run.training.claims).toBeGreaterThan(100);
    const young = (result.report.json['moves'] as { figure: string; current: number; indicated: number; drafted: number }[]).find((m) => m.figure === 'driver age 18-20');
    expect(young?.indicated).toBeGreaterThan(young?.current ?? Infinity);
    expect(young?.drafted).toBeGreaterThan(young?.current ?? Infinity);
    expect(young?.drafted).toBeLessThanOrEqual((young?.current ?? 0) * 1.15 + 1e-4);
    expect(result.report.json['fairness']).toMatchObject({ prohibitedFound: [] });
    expect(result.run.lift).toHaveLength(10);
    expect(result.report.markdown).toContain('<svg');
  });

  it('is refused approval by its author, then approved by a second actuary and scheduled, and prices cover from its instant', async () => {
    const version = result.draftVersion ?? '';
    const now = new Date();
    const refused = await store.transition(version, (r) => approveTariffVersion(r, { username: author, actuary: true }, now)).then(
      () => 'approved',
      (e: unknown) => (e instanceof TariffLifecycleError ? e.code : String(e)),
    );
    expect(refused).toBe('four-eyes');
    await store.transition(version, (r) => approveTariffVersion(r, { username: 'bob-actuary', actuary: true }, now));
    // Far ahead (the two-year limit is the governance's): no other test of this run prices cover then.
    const effectiveFrom = new Date(now.getTime() + 700 * 86_400_000);
    await store.transition(version, (r) => scheduleTariffVersion(r, 'bob-actuary', effectiveFrom, now));

    const set = governedTariffSet(await store.approved());
    const registry = new TariffRegistry([]);
    registry.replace(set.timeline, set.resolvableOnly);
    expect(set.refused).toEqual([]);
    const request = { ...(referenceBook()[0]?.request as NonNullable<ReturnType<typeof referenceBook>[0]>['request']) };
    const at = (instant: Date) => ({ ...request, startsAt: instant.toISOString(), endsAt: new Date(instant.getTime() + 3_600_000).toISOString() });
    const quote = priceQuote(at(new Date(effectiveFrom.getTime() + 60_000)), { now: new Date(effectiveFrom.getTime()) }, registry);
    expect(quote.tariffVersion).toBe(version);
    const before = priceQuote(at(new Date(effectiveFrom.getTime() - 3_600_000)), { now: new Date(effectiveFrom.getTime() - 7_200_000) }, registry);
    expect(before.tariffVersion).not.toBe(version);
  });

  it('refuses a period without experience, drafting nothing', async () => {
    const drafts = async () => (await store.records()).filter((r) => r.draftedBy === author).length;
    const count = await drafts();
    await expect(calibrateTariff(db, { from: new Date('2020-01-01T00:00:00+09:00'), to: new Date('2020-02-01T00:00:00+09:00'), actor: author })).rejects.toThrow(
      'no covered interval in the training period',
    );
    expect(await drafts()).toBe(count);
  });
});
