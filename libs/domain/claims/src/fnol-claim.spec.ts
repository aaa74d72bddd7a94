import { claimEventDataV1Schema } from '@kuruma/contracts';
import { describe, expect, it } from 'vitest';
import { claimEventData, claimNumber, mergeSeverity, openFnolClaim, uncoveredIncidentData } from './fnol-claim';

const cover = { policyId: '0190f0a0-0000-7000-8000-000000000001', policyNumber: 'KC-20261201-ABCDEFGH', partnerId: 'demo', bookingId: 'b-1', driverId: 'd-1', plan: 'standard' };
const occurredAt = new Date('2026-12-01T03:00:00Z');

describe(claimNumber.name, () => {
  it('shows the opening date and is stable for a claim', () => {
    const sut = claimNumber('0190f0a0-0000-7000-8000-0000000000aa', new Date('2026-12-01T03:00:00Z'));
    expect(sut).toMatch(/^FNOL-20261201-[0-9A-F]{8}$/);
    expect(claimNumber('0190f0a0-0000-7000-8000-0000000000aa', new Date('2026-12-01T23:00:00Z'))).toBe(sut);
    expect(claimNumber('0190f0a0-0000-7000-8000-0000000000ab', new Date('2026-12-01T03:00:00Z'))).not.toBe(sut);
  });
});

describe(openFnolClaim.name, () => {
  it('opens a provisional claim on the cover with the coverages that respond to the cause and their reserve', () => {
    const sut = openFnolClaim({ id: 'c-1', openedAt: occurredAt, cover, severity: 'major', cause: 'collision', accidentId: null, occurredAt, location: { lat: 35.68, lon: 139.76 } });
    expect(sut).toMatchObject({ status: 'provisional', policyNumber: cover.policyNumber, driverId: 'd-1', lastSignalAt: occurredAt, lat: 35.68, lon: 139.76, signalCount: 1 });
    expect(sut.coverages).toEqual(['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage']);
    expect(sut.reserveYen).toBe(1_200_000 + 500_000 + 800_000 + 500_000);
  });

  it('reserves only the car for a theft', () => {
    const sut = openFnolClaim({ id: 'c-2', openedAt: occurredAt, cover, severity: 'theft', cause: 'theft', accidentId: 'acc-1', occurredAt, location: null });
    expect(sut).toMatchObject({ coverages: ['vehicle-damage'], reserveYen: 1_000_000, accidentId: 'acc-1', lat: null, lon: null });
  });
});

describe(mergeSeverity.name, () => {
  it('keeps the worst severity an accident has reported', () => {
    expect(mergeSeverity('minor', 'major')).toBe('major');
    expect(mergeSeverity('major', 'minor')).toBe('major');
    expect(mergeSeverity('vandalism', 'theft')).toBe('theft');
    expect(mergeSeverity('theft', 'major')).toBe('theft');
    expect(mergeSeverity('minor', 'vandalism')).toBe('minor');
  });
});

describe(claimEventData.name, () => {
  const claim = openFnolClaim({ id: 'c-1', openedAt: occurredAt, cover, severity: 'minor', cause: 'collision', accidentId: null, occurredAt, location: { lat: 35.68, lon: 139.76 } });

  it('is a valid claim event naming the device, the signal count and the actor', () => {
    const sut = claimEventData(claim, 'confirmed', { vehicleId: 'v-1', deviceId: 'dev-1' }, 3, 'ops-alice');
    expect(claimEventDataV1Schema.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({ claimId: 'c-1', status: 'confirmed', vehicleId: 'v-1', deviceId: 'dev-1', signalCount: 3, actor: 'ops-alice', location: { lat: 35.68, lon: 139.76 }, occurredAt: '2026-12-01T03:00:00.000Z' });
  });

  it('has no actor when the device itself reported, and no location when the device did not know', () => {
    const sut = claimEventData({ ...claim, lat: null, lon: null }, 'provisional', { vehicleId: 'v-1', deviceId: 'dev-1' }, 1);
    expect(sut).not.toHaveProperty('actor');
    expect(sut.location).toBeNull();
  });
});

describe(uncoveredIncidentData.name, () => {
  it('is a valid claim event with no claim, policy or reserve', () => {
    const sut = uncoveredIncidentData({ incidentId: 'i-1', partnerId: 'demo', vehicleId: 'v-1', deviceId: 'dev-1', severity: 'major', cause: 'collision', occurredAt: '2026-12-01T12:00:00+09:00', location: null });
    expect(claimEventDataV1Schema.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({ claimId: null, policyId: null, status: 'uncovered', reserve: 0, coverages: [], occurredAt: '2026-12-01T12:00:00+09:00' });
  });
});
