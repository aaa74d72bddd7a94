import { describe, expect, it } from 'vitest';
import type { CoverScheduleV1 } from '@kuruma/contracts';
import { certificateHtml, type CertificateFacts } from './certificate.html';

const policy: CertificateFacts = {
  policyNumber: 'KC-20261210-0001',
  status: 'bound',
  coverStart: new Date('2026-12-10T01:00:00Z'),
  coverEnd: new Date('2026-12-11T01:00:00Z'),
  plan: 'full',
  vehicleId: 'v-1',
  bookingId: 'b-1',
  partnerId: 'demo',
  premiumYen: 3_010,
  refundYen: 0,
  tariffVersion: 'kc-carshare-2026-12@abcdefabcdef',
  request: { vehicle: { category: 'ordinary' } },
};
const cover: CoverScheduleV1 = {
  basis: 'tariff-limits',
  vehicleValue: { band: '3m-5m', agreedValueYen: 5_000_000, declaredValueYen: 4_200_000, defaulted: false },
  coverages: [
    { coverage: 'bodilyInjury', label: 'Bodily-injury liability', limit: 'unlimited', per: 'victim', deductibleYen: 0 },
    { coverage: 'personalInjury', label: 'Personal injury (driver and passengers)', limit: 50_000_000, per: 'occupant', deductibleYen: 0 },
    { coverage: 'vehicleDamageFull', label: 'Vehicle damage', limit: 5_000_000, per: 'accident', deductibleYen: 50_000 },
    { coverage: 'roadAssistance', label: 'Road assistance', limit: 150_000, per: 'accident', deductibleYen: 0, sublimits: [{ label: 'lodging', limitYen: 20_000, per: 'person' }] },
  ],
  exclusions: [{ code: 'earthquake-eruption-tsunami', label: 'Damage to the car caused by earthquake, volcanic eruption or tsunami', appliesTo: ['vehicleDamage'] }],
};
/** The certificate's text as a reader sees it: tags gone, entities read. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');

describe(certificateHtml.name, () => {
  it('prints a row per coverage with its limit and deductible, the agreed value and what is not covered', () => {
    const sut = text(certificateHtml(policy, cover));

    expect(sut).toContain('Coverage Limit Deductible');
    expect(sut).toContain('Bodily-injury liability Unlimited per victim None');
    expect(sut).toMatch(/Personal injury \(driver and passengers\) ￥50,000,000 per occupant \(driver and each passenger\) None/);
    expect(sut).toMatch(/Vehicle damage ￥5,000,000 per accident ￥50,000/);
    expect(sut).toMatch(/Road assistance ￥150,000 per accident; lodging ￥20,000 per person None/);
    expect(sut).toMatch(/agreed value: ￥5,000,000 \(value band 3m-5m, declared value ￥4,200,000\)/);
    expect(sut).toContain('Not covered Damage to the car caused by earthquake, volcanic eruption or tsunami');
  });

  it('says so when the tariff version predates the limits schedule', () => {
    const sut = text(
      certificateHtml(policy, {
        basis: 'predates-limits-schedule',
        note: 'tariff kc-carshare-2026-10 predates the limits schedule',
        coverages: [{ coverage: 'vehicleDamageFull', label: 'Vehicle damage', deductibleYen: 50_000 }],
        exclusions: [],
      }),
    );
    expect(sut).toContain('Vehicle damage not stated in this tariff version ￥50,000');
    expect(sut).toContain('tariff kc-carshare-2026-10 predates the limits schedule');
    expect(sut).not.toContain('Not covered');
  });

  it('escapes what partners supplied', () => {
    expect(certificateHtml({ ...policy, vehicleId: '<script>x</script>' }, cover)).not.toContain('<script>x');
  });
});
