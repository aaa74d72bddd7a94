import { describe, expect, it } from 'vitest';
import { activeTariffV1Schema } from '@kuruma/contracts';
import { activePublicTariff } from './governed-tariffs';
import { compareTariffs, TARIFF_REFERENCE_BOOK } from './tariff-comparison';
import { loadTariff, shippedTariffDocuments, tariffs } from './tariff-registry';

const launch = loadTariff(shippedTariffDocuments[0]);
const revision = tariffs.all().find((t) => t.data.id === 'kc-carshare-2027-01') ?? launch;

describe(compareTariffs.name, () => {
  it('lists only the figures that differ and prices every reference booking under both versions', () => {
    const sut = compareTariffs(launch, revision);
    expect(sut.figures.length).toBeGreaterThan(0);
    for (const f of sut.figures) expect(f.a).not.toBe(f.b);
    expect(sut.figures.map((f) => f.path)).not.toContain('effectiveFrom');
    expect(sut.premiums).toHaveLength(TARIFF_REFERENCE_BOOK.length);
    for (const p of sut.premiums) expect(Math.min(p.aYen, p.bYen)).toBeGreaterThanOrEqual(launch.data.loadings.minimumPremiumYen);
  });

  it('finds nothing to show between a version and itself', () => {
    const sut = compareTariffs(launch, launch);
    expect(sut.figures).toEqual([]);
    for (const p of sut.premiums) expect(p.aYen).toBe(p.bYen);
  });
});

describe(activePublicTariff.name, () => {
  it('tells a partner the version in force, its plans and rules, and the next scheduled version', () => {
    const [first, second] = tariffs.timeline();
    const sut = activePublicTariff(tariffs, new Date((second?.effectiveFrom.getTime() ?? 0) - 1));
    expect(sut?.tariffVersion).toBe(first?.version);
    expect(sut?.next?.tariffVersion).toBe(second?.version);
    expect(sut?.effectiveFrom).toMatch(/\+09:00$/);
    expect(sut?.plans.map((p) => p.plan)).toEqual(Object.keys(first?.data.plans ?? {}));
    // Exactly the published contract: nothing of the rate tables beyond it.
    expect(activeTariffV1Schema.parse(sut)).toEqual(sut);
  });

  it('answers nothing before the first version is in force', () => {
    expect(activePublicTariff(tariffs, new Date('2000-01-01T00:00:00+09:00'))).toBeUndefined();
  });
});
