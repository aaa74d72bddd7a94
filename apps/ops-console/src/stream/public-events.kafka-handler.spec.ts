import { describe, expect, it } from 'vitest';
import type { TailedRecord } from '@kuruma/service-kit';
import { LiveEventBuffer } from './live-event-buffer';
import { liveEventOf, PublicEventsKafkaHandler } from './public-events.kafka-handler';

const tailed = (value: unknown, topic = 'test.insurance.policy-events.v1'): TailedRecord => ({
  topic,
  partition: 0,
  offset: '7',
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

const policyBound = {
  specversion: '1.0',
  id: 'p-1:policy.bound:demo:e-1',
  source: 'kuruma/policy',
  type: 'policy.bound',
  subject: 'b-1',
  time: '2026-12-01T01:00:00.000Z',
  data: { bookingId: 'b-1', partnerId: 'demo', vehicleId: 'v-1', premium: 1_240 },
};

describe(PublicEventsKafkaHandler.name, () => {
  it('puts policy and claim events into the live buffer in the order they arrive', () => {
    const buffer = new LiveEventBuffer(10);
    const sut = new PublicEventsKafkaHandler(buffer);

    sut.policyEvent(tailed(policyBound));
    sut.claimEvent(tailed({ ...policyBound, id: 'c-1', type: 'claim.opened', data: { claimId: 'c-1', partnerId: 'rival' } }, 'test.insurance.claim-events.v1'));

    expect(buffer.since(undefined).events.map((e) => [e.seq, e.id, e.type, e.partnerId, e.vehicleId])).toEqual([
      [1, 'p-1:policy.bound:demo:e-1', 'policy.bound', 'demo', 'v-1'],
      [2, 'c-1', 'claim.opened', 'rival', null],
    ]);
  });

  it('refuses a record that is not an event, so nothing half-read reaches the browsers', () => {
    const buffer = new LiveEventBuffer(10);
    const sut = new PublicEventsKafkaHandler(buffer);

    expect(() => sut.policyEvent(tailed('not json'))).toThrow();
    expect(() => sut.policyEvent(tailed(null))).toThrow();
    expect(() => sut.policyEvent(tailed({ id: 'x', type: 'policy.bound' }))).toThrow(/time/);
    expect(buffer.size).toBe(0);
  });
});

describe('liveEventOf', () => {
  it("keeps the event's data as its JSON text, and only string partner and vehicle ids", () => {
    const sut = liveEventOf(tailed({ ...policyBound, data: { ...policyBound.data, partnerId: 42 } }));

    expect(sut).toEqual({ id: policyBound.id, type: 'policy.bound', time: policyBound.time, partnerId: null, vehicleId: 'v-1', dataJson: JSON.stringify({ ...policyBound.data, partnerId: 42 }) });
  });
});
