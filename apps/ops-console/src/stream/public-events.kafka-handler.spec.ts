import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { ServiceKit, TailedRecord } from '@kuruma/service-kit';
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
  id: 'p-1:com.kurumacover.policy.bound:demo:e-1',
  source: 'kuruma/policy',
  type: 'com.kurumacover.policy.bound',
  subject: 'b-1',
  time: '2026-12-01T01:00:00.000Z',
  data: { bookingId: 'b-1', partnerId: 'demo', vehicleId: 'v-1', premium: 1_240 },
};

/** The handler uses the kit's logger only; the warnings it writes are kept to be read back. */
function kitLoggingTo(lines: string[]): ServiceKit {
  return { logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }) } as unknown as ServiceKit;
}

describe(PublicEventsKafkaHandler.name, () => {
  it('puts policy and claim events into the live buffer in the order they arrive', () => {
    const buffer = new LiveEventBuffer(10);
    const sut = new PublicEventsKafkaHandler(buffer, kitLoggingTo([]));

    sut.policyEvents([tailed(policyBound)]);
    sut.claimEvents([tailed({ ...policyBound, id: 'c-1', type: 'claim.opened', data: { claimId: 'c-1', partnerId: 'rival' } }, 'test.insurance.claim-events.v1')]);

    expect(buffer.since(undefined).events.map((e) => [e.seq, e.id, e.type, e.partnerId, e.vehicleId])).toEqual([
      [1, 'p-1:com.kurumacover.policy.bound:demo:e-1', 'com.kurumacover.policy.bound', 'demo', 'v-1'],
      [2, 'c-1', 'claim.opened', 'rival', null],
    ]);
  });

  it('skips a record that is not an event, alone and logged, so nothing half-read reaches the browsers and the rest of its batch still does', () => {
    const buffer = new LiveEventBuffer(10);
    const warnings: string[] = [];
    const sut = new PublicEventsKafkaHandler(buffer, kitLoggingTo(warnings));

    sut.policyEvents([tailed('not json'), tailed(null), tailed(policyBound), tailed({ id: 'x', type: 'com.kurumacover.policy.bound' })]);

    expect(buffer.since(undefined).events.map((e) => e.id)).toEqual([policyBound.id]);
    expect(warnings).toHaveLength(3);
    expect(warnings.map((w) => JSON.parse(w).msg)).toEqual(Array(3).fill('tailed record skipped: not a public event'));
    expect(JSON.parse(warnings[2]).err.message).toMatch(/time/);
  });
});

describe('liveEventOf', () => {
  it("keeps the event's data as its JSON text, and only string partner and vehicle ids", () => {
    const sut = liveEventOf(tailed({ ...policyBound, data: { ...policyBound.data, partnerId: 42 } }));

    expect(sut).toEqual({ id: policyBound.id, type: 'com.kurumacover.policy.bound', time: policyBound.time, partnerId: null, vehicleId: 'v-1', dataJson: JSON.stringify({ ...policyBound.data, partnerId: 42 }) });
  });
});
