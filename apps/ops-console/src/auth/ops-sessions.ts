import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlTx } from '@kuruma/data-access-db';
import type { OpsIdentity, OpsRole } from './identity-provider';

export const SESSION_COOKIE = 'kc_session';

/**
 * Server-side console sessions. The cookie carries only a random 256-bit id; the database row
 * (keyed by the id's sha256, so a database read does not yield usable cookies) is the truth.
 * Every request reads the row joined to its user: signing out deletes the row, removing the user
 * deletes it by cascade, and a role change applies to the next request - no cached identity.
 */
export class OpsSessions {
  constructor(
    private readonly db: SqlTx,
    /** OPS_SESSION_SECRET: keys each session's CSRF token. */
    private readonly secret: string,
    readonly maxAgeS = 8 * 3600,
  ) {}

  async start(identity: OpsIdentity, now = new Date()): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    // Expired rows of anyone go with each sign-in: cheap (indexed) and keeps the table small.
    await Promise.all([
      this.db.$executeRaw`INSERT INTO ops_session (id_hash, username, expires_at) VALUES (${hashOf(id)}, ${identity.username}, ${new Date(now.getTime() + this.maxAgeS * 1000)})`,
      this.db.$executeRaw`DELETE FROM ops_session WHERE expires_at < ${now}`,
    ]);
    return id;
  }

  async identify(id: string | undefined, now = new Date()): Promise<OpsIdentity | null> {
    if (!id) return null;
    const [session] = await this.db.$queryRaw<{ expiresAt: Date; username: string; role: string }[]>`
      SELECT s.expires_at AS "expiresAt", u.username, u.role FROM ops_session s JOIN ops_user u ON u.username = s.username WHERE s.id_hash = ${hashOf(id)}`;
    if (!session || session.expiresAt <= now) return null;
    return { username: session.username, role: session.role as OpsRole };
  }

  async end(id: string | undefined): Promise<void> {
    if (id) await this.db.$executeRaw`DELETE FROM ops_session WHERE id_hash = ${hashOf(id)}`;
  }

  /**
   * The session's CSRF token: HMAC of its id under OPS_SESSION_SECRET. Another site can make the
   * browser send the cookie, but cannot read this token, so it cannot send the header.
   */
  csrfToken(id: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${id}`).digest('base64url');
  }

  csrfTokenMatches(id: string, given: string | undefined): boolean {
    const expected = Buffer.from(this.csrfToken(id));
    const actual = Buffer.from(given ?? '');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** HttpOnly, SameSite=Strict: no script can read it and no other site can send it. */
  cookie(id: string, secure: boolean): string {
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${this.maxAgeS}${secure ? '; Secure' : ''}`;
  }

  clearedCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure ? '; Secure' : ''}`;
  }
}

const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex');

export function cookieValue(header: string | undefined, name: string): string | undefined {
  return header
    ?.split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === name)?.[1];
}

export const sessionIdOf = (req: { header(name: string): string | undefined }): string | undefined => cookieValue(req.header('cookie'), SESSION_COOKIE);
