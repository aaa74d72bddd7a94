import { describe, expect, it } from 'vitest';
import { bookingEventV1Schema } from '../booking/booking-event.v1';
import { bookingPricedV1Schema } from '../booking/booking-priced.v1';
import { claimEventV1Schema } from '../claims/claim-event.v1';
import { policyEventV1Schema } from '../policy/policy-event.v1';
import { webhookEndpointCreateV1Schema, webhookEndpointPatchV1Schema } from '../webhooks/webhook-endpoint.v1';
import { EVENT_TYPE_PREFIX, eventTypeSchema, prefixedEventTypes } from './cloud-event';

const booking = (type: string) => ({
  specversion: '1.0',
  id: 'b-1-1',
  source: 'partner/demo',
  type,
  subject: 'b-1',
  time: '2026-12-01T10:00:00+09:00',
  datacontenttype: 'application/json',
  data: {
    bookingId: 'b-1',
    partnerId: 'demo',
    startsAt: '2026-12-01T11:00:00+09:00',
    endsAt: '2026-12-01T17:00:00+09:00',
    plan: 'standard',
    vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold', grade: 12 },
    sequence: 1,
  },
});

describe('reverse-DNS event types', () => {
  it('builds every type from the one prefix', () => {
    expect(EVENT_TYPE_PREFIX).toBe('com.kurumacover.');
    expect(prefixedEventTypes(['policy.bound', 'claim.confirmed'])).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.claim.confirmed']);
  });

  it('accepts a partner booking event with the prefixed name as it is', () => {
    const sut = bookingEventV1Schema.parse(booking('com.kurumacover.booking.created'));
    expect(sut.type).toBe('com.kurumacover.booking.created');
  });

  it('accepts a booking event with the legacy name and hands on the prefixed one', () => {
    const sut = bookingEventV1Schema.parse(booking('booking.created'));
    expect(sut.type).toBe('com.kurumacover.booking.created');
  });

  it('still applies type-specific rules to a legacy name (booking.ended needs endedAt)', () => {
    const sut = bookingEventV1Schema.safeParse(booking('booking.ended'));
    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((i) => i.path.join('.'))).toContain('data.endedAt');
  });

  it('refuses an unknown name, with or without the prefix, naming the field and the accepted types', () => {
    for (const type of ['booking.teleported', 'com.kurumacover.booking.teleported', 'com.example.booking.created']) {
      const sut = bookingEventV1Schema.safeParse(booking(type));
      expect(sut.success).toBe(false);
      const issue = sut.error?.issues.find((i) => i.path.join('.') === 'type');
      expect(issue?.message).toContain('must be one of com.kurumacover.booking.created');
      expect(issue?.message).toContain(JSON.stringify(type));
    }
  });

  it('renames legacy types in records written before the upgrade: priced bookings, policy and claim events', () => {
    const priced = bookingPricedV1Schema.parse({ partnerId: 'demo', ordering: 'in-sequence', acceptedAt: 'x', pricedAt: 'y', event: booking('booking.created') });
    expect(priced.event.type).toBe('com.kurumacover.booking.created');
    const envelope = { specversion: '1.0', id: 'e-1', source: 'kuruma/policy', data: {} };
    expect(policyEventV1Schema.shape.type.parse('policy.bound')).toBe('com.kurumacover.policy.bound');
    expect(claimEventV1Schema.shape.type.parse('incident.uncovered')).toBe('com.kurumacover.incident.uncovered');
    expect(policyEventV1Schema.safeParse({ ...envelope, type: 'claim.confirmed' }).error?.issues.some((i) => i.path[0] === 'type')).toBe(true);
  });

  it('stores and answers webhook subscriptions naming legacy types as the prefixed ones, and sees a repeat across both', () => {
    const sut = webhookEndpointCreateV1Schema.parse({ url: 'https://hooks.example.com/k', eventTypes: ['policy.bound', 'com.kurumacover.claim.fnol-opened', 'webhook.endpoint-disabled'] });
    expect(sut.eventTypes).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.claim.fnol-opened', 'com.kurumacover.webhook.endpoint-disabled']);
    expect(webhookEndpointPatchV1Schema.parse({ eventTypes: ['claim.confirmed'] }).eventTypes).toEqual(['com.kurumacover.claim.confirmed']);
    const repeated = webhookEndpointCreateV1Schema.safeParse({ url: 'https://hooks.example.com/k', eventTypes: ['policy.bound', 'com.kurumacover.policy.bound'] });
    expect(repeated.error?.issues[0]?.message).toBe('must not repeat a type');
    const unknown = webhookEndpointCreateV1Schema.safeParse({ url: 'https://hooks.example.com/k', eventTypes: ['policy.teleported'] });
    expect(unknown.error?.issues[0]?.path).toEqual(['eventTypes', 0]);
  });

  it('refuses what is not a string', () => {
    expect(eventTypeSchema(['com.kurumacover.policy.bound']).safeParse(7).success).toBe(false);
  });
});
