import { describe, expect, it } from 'vitest';
import type { EndorsementRow, PolicyRow } from '@kuruma/data-access-db';
import { tariffs } from '@kuruma/domain-rating';
import { policyView } from './policy-view';

const bound: PolicyRow = {
  id: 'p-1',
  policyNumber: 'KC-20261201-0001',
  partnerId: 'demo',
  bookingId: 'b-1',
  vehicleId: 'v-1',
  driverId: 'd-1',
  plan: 'standard',
  status: 'bound',
  bookingStatus: 'extended',
  coverStart: new Date('2026-12-01T01:00:00Z'),
  coverEnd: new Date('2026-12-01T07:30:00Z'),
  bookedEnd: new Date('2026-12-01T07:30:00Z'),
  premiumYen: 1_480,
  refundYen: 0,
  tariffVersion: null,
  quoteId: 'q-1',
  breakdown: { stored: 'as-is' },
  declineReasons: null,
  request: {},
  lastSequence: 3,
  boundAt: new Date('2026-12-01T00:10:00Z'),
};
const extension: EndorsementRow & { createdAt: Date } = {
  policyId: 'p-1',
  kind: 'extension',
  reason: 'booking-extended',
  premiumDeltaYen: 240,
  refundYen: 0,
  coverEndBefore: new Date('2026-12-01T07:00:00Z'),
  coverEndAfter: new Date('2026-12-01T07:30:00Z'),
  causeId: 'demo:e-3',
  createdAt: new Date('2026-12-01T02:00:00Z'),
};

describe('policyView', () => {
  it('shows cover and every endorsement in Japan time, premium and refund in integer yen', () => {
    const sut = policyView(bound, [extension]);

    expect(sut).toMatchObject({
      policyId: 'p-1',
      policyNumber: 'KC-20261201-0001',
      status: 'bound',
      bookingStatus: 'extended',
      coverStart: '2026-12-01T10:00:00+09:00',
      coverEnd: '2026-12-01T16:30:00+09:00',
      premium: 1_480,
      refund: 0,
      currency: 'JPY',
      boundAt: '2026-12-01T09:10:00+09:00',
    });
    expect(sut.endorsements).toEqual([
      { kind: 'extension', reason: 'booking-extended', premiumDelta: 240, refund: 0, coverEndBefore: '2026-12-01T16:00:00+09:00', coverEndAfter: '2026-12-01T16:30:00+09:00', at: '2026-12-01T11:00:00+09:00' },
    ]);
  });

  it('shows the limits of the tariff version it was bound under, with the vehicle value band from the booking', () => {
    const version = tariffs.byVersion('kc-carshare-2026-12').version;
    const sut = policyView({ ...bound, tariffVersion: version, request: { vehicle: { valueYen: 6_000_000 } } }, []);

    expect(sut.cover?.vehicleValue).toEqual({ band: '5m-7.5m', agreedValueYen: 7_500_000, declaredValueYen: 6_000_000, defaulted: false });
    expect(sut.cover?.coverages.map((c) => [c.coverage, c.limit, c.deductibleYen])).toEqual([
      ['bodilyInjury', 'unlimited', 0],
      ['propertyDamage', 'unlimited', 0],
      ['personalInjury', 50_000_000, 0],
      ['vehicleDamageStandard', 7_500_000, 100_000],
    ]);
  });

  it('says a launch-tariff policy predates the limits schedule; a declined booking has no cover', () => {
    const launch = tariffs.byVersion('kc-carshare-2026-10').version;
    expect(policyView({ ...bound, tariffVersion: launch }, []).cover?.basis).toBe('predates-limits-schedule');
    expect(policyView({ ...bound, tariffVersion: launch, status: 'declined' }, []).cover).toBeNull();
  });

  it('leaves absent times absent and passes a declined policy its reasons', () => {
    const reasons = [{ code: 'vehicle-damage-unresolved', message: 'the vehicle has an open damage claim' }];
    const sut = policyView({ ...bound, status: 'declined', policyNumber: null, coverStart: null, coverEnd: null, boundAt: null, declineReasons: reasons }, []);

    expect(sut).toMatchObject({ status: 'declined', coverStart: null, coverEnd: null, boundAt: null, declineReasons: reasons, endorsements: [] });
  });
});
