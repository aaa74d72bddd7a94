import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OpsIdentity } from './identity-provider';

export const SESSION_COOKIE = 'kc_session';
const MAX_AGE_S = 8 * 3600;

/** A signed, expiring session token: identity and expiry, HMAC-SHA256 with the session secret. */
export class SessionCookie {
  constructor(private readonly secret: string) {}

  issue(identity: OpsIdentity, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ u: identity.username, r: identity.role, e: now + MAX_AGE_S * 1000 })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  read(token: string | undefined, now = Date.now()): OpsIdentity | null {
    if (!token) return null;
    const [body, signature] = token.split('.');
    if (!body || !signature) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u: string; r: OpsIdentity['role']; e: number };
    return claims.e > now ? { username: claims.u, role: claims.r } : null;
  }

  /** HttpOnly, SameSite=Strict: no script can read it and no other site can send it. */
  header(token: string, secure: boolean): string {
    return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${MAX_AGE_S}${secure ? '; Secure' : ''}`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  return header
    ?.split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === name)?.[1];
}
