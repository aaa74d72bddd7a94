import { describe, expect, it } from 'vitest';
import { driverPseudonym, sharedDriverPseudonym } from './driver-pseudonym';
import { pseudonymousDriverOf, withDriverPseudonyms } from './pseudonymous-driver';

const KEY = 'spec-driver-pseudonym-key-0123456789abcdef';
const request = (driverId: string, ownerDriverId?: string) => ({
  bookingId: 'b-1',
  driver: { driverId, age: 34 },
  vehicle: { vehicleId: 'v-1', ...(ownerDriverId === undefined ? {} : { ownerDriverId }) },
});

describe(pseudonymousDriverOf.name, () => {
  it("replaces the partner's reference by the driver's pseudonym at that partner and gives both keys", () => {
    const sut = pseudonymousDriverOf(KEY, 'demo', request('drv-REF-1'));
    const driverKey = driverPseudonym(KEY, 'demo', 'drv-REF-1');
    expect(sut).toEqual({ request: request(driverKey), driverKeys: { driverKey, sharedDriverKey: sharedDriverPseudonym(KEY, 'drv-REF-1') } });
    expect(JSON.stringify(sut)).not.toContain('drv-REF-1');
    // It still fits the contract's identifier (base64url, 43 characters).
    expect(driverKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('hashes the owner of a peer car alike, so a driver who owns the car is still recognised, and another owner is not', () => {
    const own = pseudonymousDriverOf(KEY, 'demo', request('drv-1', 'drv-1')).request;
    expect(own.vehicle.ownerDriverId).toBe(own.driver.driverId);
    const other = pseudonymousDriverOf(KEY, 'demo', request('drv-1', 'drv-2')).request;
    expect(other.vehicle.ownerDriverId).toBe(driverPseudonym(KEY, 'demo', 'drv-2'));
    expect(other.vehicle.ownerDriverId).not.toBe(other.driver.driverId);
  });

  it('gives the same reference at two partners two unrelated pseudonyms but one cross-partner key', () => {
    const [a, b] = ['demo', 'other'].map((partner) => pseudonymousDriverOf(KEY, partner, request('drv-1')).driverKeys);
    expect(a.driverKey).not.toBe(b.driverKey);
    expect(a.sharedDriverKey).toBe(b.sharedDriverKey);
  });

  it('leaves the rest of the request as it was', () => {
    const original = request('drv-1');
    expect(withDriverPseudonyms(KEY, 'demo', original, 'k')).toMatchObject({ bookingId: 'b-1', driver: { age: 34 }, vehicle: { vehicleId: 'v-1' } });
    expect(original.driver.driverId).toBe('drv-1');
  });
});
