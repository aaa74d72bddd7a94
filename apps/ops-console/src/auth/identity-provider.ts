import type { Database } from '@kuruma/data-access-db';
import { verifyPassword } from './password-hash';

export type OpsRole = 'viewer' | 'claims-handler' | 'admin';
export interface OpsIdentity {
  username: string;
  role: OpsRole;
}

/** Who an ops user is. Local accounts today; an OIDC provider implements the same interface. */
export interface IdentityProvider {
  authenticate(username: string, password: string): Promise<OpsIdentity | null>;
}

export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

export class LocalAccounts implements IdentityProvider {
  constructor(private readonly db: Database) {}

  async authenticate(username: string, password: string): Promise<OpsIdentity | null> {
    const user = await this.db.opsUser.findUnique({ where: { username } });
    // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    const stored = user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const ok = verifyPassword(password, stored);
    return ok && user ? { username: user.username, role: user.role as OpsRole } : null;
  }
}
