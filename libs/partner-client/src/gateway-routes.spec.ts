import { describe, expect, it } from 'vitest';
import { serviceOfPath } from './gateway-routes';

describe(serviceOfPath.name, () => {
  it('sends each partner path to the service that answers it', () => {
    expect(serviceOfPath('/v1/booking-events')).toBe('booking-ingest');
    expect(serviceOfPath('/v1/quotes')).toBe('pricing');
    expect(serviceOfPath('/v1/policies')).toBe('policy');
    expect(serviceOfPath('/v1/policies/0190c0de-0000-7000-8000-000000000001/certificate')).toBe('policy');
    expect(serviceOfPath('/v1/devices/gw-1')).toBe('claims-trigger');
    expect(serviceOfPath('/v1/claims/0190c0de-0000-7000-8000-000000000001/confirm')).toBe('claims-trigger');
  });

  it('matches whole path segments only', () => {
    expect(serviceOfPath('/v1/quotes-admin')).toBeUndefined();
    expect(serviceOfPath('/v1')).toBeUndefined();
  });
});
