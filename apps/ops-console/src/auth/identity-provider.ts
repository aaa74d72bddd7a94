import type { SqlTx } from '@kuruma/data-access-db';
import { PasswordVerifier } from './password-hash';

export type OpsRole = 'viewer' | 'claims-handler' | 'actuary' | 'admin';
export interface OpsIdentity {
  username: string;
  role: OpsRole;
}

/** Who an ops user is. Local accounts today; an OIDC provider implements the same interface. */
export interface IdentityProvider {
  authenticate(username: string, password: string): Promise<OpsIdentity | null>;
}

export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** Verified against when the user is unknown, so timing does not reveal which accounts exist. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class LocalAccounts implements IdentityProvider {
  constructor(
    private readonly db: SqlTx,
    private readonly passwords = new PasswordVerifier(),
  ) {}

  async authenticate(username: string, password: string): Promise<OpsIdentity | null> {
    const [user] = await this.db.$queryRaw<{ username: string; passwordHash: string; role: string }[]>`
      SELECT username, password_hash AS "passwordHash", role FROM ops_user WHERE username = ${username}`;
    const ok = await this.passwords.verify(password, user?.passwordHash ?? DUMMY_HASH);
    return ok && user ? { username: user.username, role: user.role as OpsRole } : null;
  }
}
