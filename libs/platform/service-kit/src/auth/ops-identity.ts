import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who the ops console acts for, as claims-trigger receives it: signed, short-lived, for one action. */
export interface OpsIdentityClaims {
  actor: string;
  role: string;
  /** What the signature allows, e.g. `POST /v1/claims/{id}/confirm`: it cannot be replayed on another claim. */
  action: string;
  /** Expiry, epoch milliseconds. */
  exp: number;
}

export const OPS_IDENTITY_HEADER = 'x-ops-identity';

/**
 * `base64url(json).base64url(hmac-sha256)` with a key only the console and claims-trigger hold.
 * The service token says "this is the console"; this says which signed-in user, in which role, and
 * for what - free-text actor and role headers let any holder of the token claim to be an admin.
 */
export function signOpsIdentity(claims: OpsIdentityClaims, key: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The claims when the signature verifies, has not expired and covers `action`; null otherwise. */
export function verifyOpsIdentity(token: string | undefined, key: string, action: string, now = Date.now()): OpsIdentityClaims | null {
  const [body, signature, extra] = (token ?? '').split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<OpsIdentityClaims>;
    const { actor, role, exp } = claims;
    if (typeof actor !== 'string' || typeof role !== 'string' || typeof exp !== 'number') return null;
    return exp > now && claims.action === action ? { actor, role, action, exp } : null;
  } catch {
    return null;
  }
}
