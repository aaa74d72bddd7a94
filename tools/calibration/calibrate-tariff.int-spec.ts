import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlDatabase, TariffVersionRepository } from '@kuruma/data-access-db';
import {
  approveTariffVersion,
  governedTariffSet,
  priceQuote,
  referenceBook,
  scheduleTariffVersion,
  shippedTariffDocuments,
  TariffLifecycleError,
  TariffRegistry,
} from '@kuruma/domain-rating';
import { calibrateTariff } from './calibrate-tariff.use-case';
import { EXPERIENCE_POLICIES as POLICIES, experienceYear, storeExperience } from '../harness/calibration-experience';

const { from: FROM, holdOutFrom: HOLD_OUT, to: TO } = experienceYear(2025);

/** The database the int tier's global setup migrates for this run (test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

describe('a calibrated tariff goes through the governance like any tariff (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const store = new TariffVersionRepository(db);
  const partnerId = `calib-${randomUUID().slice(0, 8)}`;
  const author = `calibration:alice-${partnerId}`;
  let result: Awaited<ReturnType<typeof calibrateTariff>>;

  beforeAll(async () => {
    await store.seedShipped(shippedTariffDocuments, new Date());
    await storeExperience(db, partnerId, 2025);
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
