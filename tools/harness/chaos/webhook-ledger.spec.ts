import { describe, expect, it } from 'vitest';
import { webhookVerdict, type TopicEvent } from './webhook-ledger';
import type { WebhookReceipt } from './webhook-receiver';

const windows = { ok: 0, down: 0, slow: 0, 'error-500': 0, 'gone-410': 0 };
const event = (id: string, orderingKey = 'booking:b1', topic = 'policy'): TopicEvent => ({ topic, id, partnerId: 'demo', orderingKey });
const receipt = (eventId: string, accepted = true, extra: Partial<WebhookReceipt> = {}): WebhookReceipt => ({
  webhookId: eventId,
  eventId,
  type: 'com.kurumacover.policy.bound',
  orderingKey: 'booking:b1',
  partnerId: 'demo',
  mode: accepted ? 'ok' : 'error-500',
  accepted,
  signatureValid: true,
  ...extra,
});
const verdict = (expected: TopicEvent[], receipts: WebhookReceipt[]) => {
  const violations: string[] = [];
  return { ...webhookVerdict({ expected, receipts, windows, reenabled: false, replayed: 0, settledSeconds: 1, violations }), violations };
};

describe(webhookVerdict.name, () => {
  it('passes every event accepted once in topic order, counting refused attempts and same-id copies', () => {
    const sut = verdict([event('e1'), event('e2'), event('e3', 'booking:b2')], [receipt('e1', false), receipt('e1'), receipt('e3'), receipt('e2'), receipt('e1')]);
    expect(sut).toMatchObject({ expected: 3, delivered: 3, missing: 0, duplicated: 1, requests: 5, outOfOrder: 0, violations: [] });
  });

  it('reports an event the receiver never accepted', () => {
    const sut = verdict([event('e1'), event('e2')], [receipt('e1'), receipt('e2', false)]);
    expect(sut.missing).toBe(1);
    expect(sut.violations).toEqual([expect.stringContaining('event e2')]);
  });

  it("reports a booking whose events were first accepted out of the topic's order, and only within one topic", () => {
    expect(verdict([event('e1'), event('e2')], [receipt('e2'), receipt('e1')]).outOfOrder).toBe(1);
    // A claim event of the booking is ordered with its own topic only.
    expect(verdict([event('e1'), event('c1', 'booking:b1', 'claim'), event('e2')], [receipt('c1'), receipt('e1'), receipt('e2')]).outOfOrder).toBe(0);
  });

  it('reports a bad signature, a webhook-id that is not the event id, and an event of another partner', () => {
    const sut = verdict([event('e1')], [receipt('e1', true, { signatureValid: false }), receipt('e1', true, { webhookId: 'other' }), receipt('x9', true, { partnerId: 'rival' })]);
    expect(sut).toMatchObject({ badSignatures: 1, idMismatches: 1, unexpected: 1 });
    expect(sut.violations).toHaveLength(3);
  });
});
