import { describe, expect, it } from 'vitest';
import { signOpsIdentity, verifyOpsIdentity } from './ops-identity';

const KEY = 'k'.repeat(32);
const action = 'POST /v1/claims/c-1/confirm';

describe('finding 8: signed ops identity', () => {
  const claims = { actor: 'handler', role: 'claims-handler', action, exp: 10_000 };

  it('verifies what the console signed, for that action, before it expires', () => {
    expect(verifyOpsIdentity(signOpsIdentity(claims, KEY), KEY, action, 9_999)).toEqual(claims);
  });

  it('refuses an expired identity, another action, another key and an edited role', () => {
    const token = signOpsIdentity(claims, KEY);
    expect(verifyOpsIdentity(token, KEY, action, 10_000)).toBeNull();
    expect(verifyOpsIdentity(token, KEY, 'POST /v1/claims/c-2/confirm', 0)).toBeNull();
    expect(verifyOpsIdentity(token, 'x'.repeat(32), action, 0)).toBeNull();
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    expect(verifyOpsIdentity(forged, KEY, action, 0)).toBeNull();
    expect(verifyOpsIdentity(undefined, KEY, action, 0)).toBeNull();
  });
});
