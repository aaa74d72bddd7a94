import { describe, expect, it } from 'vitest';
import kc202612 from '../tariffs/kc-carshare-2026-12.json';
import kc202701 from '../tariffs/kc-carshare-2027-01.json';
import { priceExtension } from './cover-changes';
import { TariffRegistry, tariffs } from './tariff-registry';

const at = (iso: string) => new Date(iso);

describe(TariffRegistry.name, () => {
  it('keeps the shipped versions byte for byte: the hashes policies were bound with', () => {
    expect(tariffs.byVersion('kc-carshare-2026-10').version).toBe('kc-carshare-2026-10@dca2c099d01e');
    expect(tariffs.byVersion('kc-carshare-2027-01').version).toMatch(/^kc-carshare-2027-01@/);
    expect(tariffs.byVersion(tariffs.byVersion('kc-carshare-2027-01').version).data.id).toBe('kc-carshare-2027-01');
  });

  it('prices cover from 2027-01-01 JST with the replacement, never with the version it supersedes', () => {
    expect(tariffs.inForceAt(at('2026-12-31T23:59:59+09:00'))?.data.id).toBe('kc-carshare-2026-12');
    expect(tariffs.inForceAt(at('2027-01-01T00:00:00+09:00'))?.data.id).toBe('kc-carshare-2027-01-r2');
    expect(tariffs.inForceAt(at('2028-06-01T00:00:00+09:00'))?.data.id).toBe('kc-carshare-2027-01-r2');
  });

  it('does not raise driver cover in 2027: seed 002 section 1-1 says driver cover (ドライバー保険) is not revised (defect 4)', () => {
    const replacement = tariffs.byVersion('kc-carshare-2027-01-r2').data;
    expect(replacement.basePerDay).toEqual(tariffs.byVersion('kc-carshare-2026-12').data.basePerDay);
    // The superseded version raised every coverage's base about 6%; it stays as it was for its policies.
    expect(tariffs.byVersion('kc-carshare-2027-01').data.basePerDay.byCategory.ordinary.bodilyInjury).toBe(207);
  });

  it('still prices a change to a policy bound under the superseded version with that version', () => {
    const request = {
      bookingId: 'b', partnerId: 'demo', startsAt: '2027-01-05T10:00:00+09:00', endsAt: '2027-01-06T10:00:00+09:00', plan: 'liability',
      vehicle: { vehicleId: 'v', category: 'ordinary', modelRatingClass: 9, firstRegistration: '2014-01', eco: false, asv: false, plateClassification: '300', ownership: 'fleet', rental: false },
      driver: { driverId: 'd', age: 35, licenceColour: 'blue', grade: 5 },
    } as const;
    const old = tariffs.byVersion('kc-carshare-2027-01').version;
    const next = tariffs.byVersion('kc-carshare-2027-01-r2').version;
    const end = at('2027-01-06T10:00:00+09:00');
    const later = at('2027-01-07T10:00:00+09:00');
    // 24 h -> 48 h of liability: the superseded version's launch rates (+6%) price the policy bound
    // under it; the replacement's derived rate level would charge another amount.
    const underOld = priceExtension({ request: request as never, tariffVersion: old, premium: 0 }, end, later).premiumDelta;
    const underNew = priceExtension({ request: request as never, tariffVersion: next, premium: 0 }, end, later).premiumDelta;
    expect(underOld).toBe(680);
    expect(underNew).toBe(720);
  });

  it('refuses a version that supersedes one it does not know, takes effect after the one it replaces, or closes a cycle', () => {
    expect(() => new TariffRegistry([{ ...kc202612, id: 'kc-x', supersedes: 'kc-nope' }])).toThrow(/supersedes unknown tariff kc-nope/);
    expect(() => new TariffRegistry([kc202701, { ...kc202612, id: 'kc-x', supersedes: 'kc-carshare-2027-01', effectiveFrom: '2027-02-01T00:00:00+09:00' }])).toThrow(/takes effect after/);
    const a = { ...kc202612, id: 'kc-a', supersedes: 'kc-b' };
    const b = { ...kc202612, id: 'kc-b', supersedes: 'kc-a' };
    expect(() => new TariffRegistry([a, b])).toThrow(/supersede each other/);
  });
});
