import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from './price-quote';
import { withStepSources } from './step-sources';

const NOW = new Date('2026-11-20T00:00:00+09:00');

/** A young driver with platform claims and a short booking, so every optional step appears. */
function request(startsAt: string, endsAt: string): QuoteRequestV1 {
  return {
    bookingId: 'b-src',
    partnerId: 'demo',
    startsAt,
    endsAt,
    plan: 'full',
    vehicle: { vehicleId: 'v-1', category: 'kei', modelRatingClass: 1, firstRegistration: '2025-06', eco: true, asv: true, plateClassification: '500', ownership: 'fleet', rental: false },
    driver: { driverId: 'd-1', age: 19, licenceColour: 'green', trustScore: 80, telematics: { score: 70, km: 900 } },
  } as QuoteRequestV1;
}

describe('breakdown step sources', () => {
  for (const [tariff, start, end] of [
    ['kc-carshare-2026-10', '2026-12-01T10:00:00+09:00', '2026-12-01T11:00:00+09:00'],
    ['kc-carshare-2026-12', '2026-12-10T10:00:00+09:00', '2026-12-10T11:00:00+09:00'],
    ['kc-carshare-2027-01-r2', '2027-02-01T10:00:00+09:00', '2027-02-01T11:00:00+09:00'],
  ] as const) {
    it(`restores exactly the sources the engine writes (${tariff})`, () => {
      for (const platformClaims of [0, 5]) {
        const full = priceQuote(request(start, end), { now: NOW, platformClaims });
        const compact = priceQuote(request(start, end), { now: NOW, platformClaims, omitSources: true });
        if (full.status !== 'quoted' || compact.status !== 'quoted') throw new Error('expected quotes');
        expect(full.tariffVersion.startsWith(tariff)).toBe(true);
        expect(compact.breakdown.every((s) => s.source === undefined)).toBe(true);
        expect(full.breakdown.every((s) => typeof s.source === 'string' && s.source.length > 0)).toBe(true);
        // Same figures and quote id either way; only the sources are left out.
        expect({ ...compact, breakdown: undefined }).toEqual({ ...full, breakdown: undefined });
        expect(withStepSources(compact.breakdown, compact.tariffVersion)).toEqual(full.breakdown);
      }
    });
  }

  it('leaves steps as they are for a tariff version this build does not know', () => {
    const steps = [{ code: 'base', label: 'base', factor: null, amount: 100 }];
    expect(withStepSources(steps, 'kc-unknown@000000000000')).toEqual(steps);
    expect(withStepSources(steps, null)).toEqual(steps);
  });

  it('refuses to attach sources from a tariff whose content changed since the version was quoted', () => {
    const steps = [{ code: 'base', label: 'base', factor: null, amount: 100 }];
    expect(withStepSources(steps, 'kc-carshare-2026-10@ffffffffffff')).toEqual(steps);
  });
});
