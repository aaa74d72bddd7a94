import { describe, expect, it } from 'vitest';
import { bookingEventDataV1Schema } from '../booking/booking-event.v1';
import { MAX_INSURED_VEHICLE_VALUE_YEN, quoteRequestV1Schema } from './quote-request.v1';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const request = (overrides: { startsAt?: string; endsAt?: string; firstRegistration?: string; valueYen?: unknown } = {}) => ({
  bookingId: 'b-1',
  partnerId: 'demo',
  startsAt: overrides.startsAt ?? inDays(1),
  endsAt: overrides.endsAt ?? inDays(1.1),
  plan: 'standard',
  vehicle: {
    vehicleId: 'v-1',
    category: 'ordinary',
    modelRatingClass: 5,
    firstRegistration: overrides.firstRegistration ?? '2021-04',
    eco: false,
    asv: true,
    plateClassification: '300',
    ownership: 'fleet',
    rental: false,
    ...('valueYen' in overrides && { valueYen: overrides.valueYen }),
  },
  driver: { driverId: 'd-1', age: 35, licenceColour: 'gold' },
});
const badFields = (body: unknown) => {
  const result = quoteRequestV1Schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('finding 10: implausible quote requests are refused naming the field', () => {
  it('accepts a booking starting tomorrow on a 2021 car', () => {
    expect(badFields(request())).toEqual([]);
  });

  it('refuses a start date centuries ahead (startsAt) and its end (endsAt)', () => {
    expect(badFields(request({ startsAt: '2999-01-01T00:00:00Z', endsAt: '2999-01-02T00:00:00Z' }))).toEqual(['startsAt', 'endsAt']);
    expect(badFields(request({ startsAt: inDays(1), endsAt: '2999-01-02T00:00:00+09:00' }))).toEqual(['endsAt']);
  });

  it('refuses registration 0000-01 and years beyond next year (vehicle.firstRegistration)', () => {
    expect(badFields(request({ firstRegistration: '0000-01' }))).toEqual(['vehicle.firstRegistration']);
    expect(badFields(request({ firstRegistration: '9999-12' }))).toEqual(['vehicle.firstRegistration']);
  });

  it('applies to booking events too', () => {
    const result = bookingEventDataV1Schema.safeParse({ ...request({ startsAt: '2500-05-01T00:00:00Z', endsAt: '2500-05-02T00:00:00Z' }), sequence: 1, endedAt: '2500-05-02T00:00:00Z' });
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join('.'))).toEqual(['startsAt', 'endsAt', 'endedAt']);
  });
});

describe('vehicle.valueYen: the optional vehicle value that selects the value band', () => {
  it('is optional, and takes integer yen up to the top band', () => {
    expect(badFields(request())).toEqual([]);
    expect(badFields(request({ valueYen: 4_200_000 }))).toEqual([]);
    expect(badFields(request({ valueYen: MAX_INSURED_VEHICLE_VALUE_YEN }))).toEqual([]);
  });

  it('refuses a value beyond the top band, zero, negative, fractional, textual or absurd values naming the field', () => {
    for (const valueYen of [MAX_INSURED_VEHICLE_VALUE_YEN + 1, 0, -1, 1.5, '3000000', 1e300, Number.MAX_SAFE_INTEGER + 2, null]) {
      expect([...new Set(badFields(request({ valueYen })))]).toEqual(['vehicle.valueYen']);
    }
  });

  it('is refused on booking events the same way, so the booking is dead-lettered with the field named', () => {
    const result = bookingEventDataV1Schema.safeParse({ ...request({ valueYen: 12_000_000 }), sequence: 1 });
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([expect.stringMatching(/^vehicle\.valueYen: /)]);
  });
});
