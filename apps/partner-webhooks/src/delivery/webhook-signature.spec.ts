import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signDelivery } from './webhook-signature';

describe(signDelivery.name, () => {
  // The Standard Webhooks specification's example (spec/standard-webhooks.md, "Signature scheme").
  const specSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const specId = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const specTimestamp = new Date(1614265330 * 1000);
  const specBody = '{"test": 2432232314}';

  it("matches the specification's test vector", () => {
    const headers = signDelivery({ current: specSecret }, specId, specTimestamp, specBody);
    expect(headers).toEqual({
      'webhook-id': specId,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with both secrets during a rotation, and a receiver holding either one verifies', () => {
    const previous = newSigningSecret();
    const current = newSigningSecret();
    const now = new Date();
    const body = '{"specversion":"1.0","id":"e1"}';
    const headers = signDelivery({ current, previous }, 'e1', now, body);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  });

  it('makes secrets in the whsec_ format with 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });
});
