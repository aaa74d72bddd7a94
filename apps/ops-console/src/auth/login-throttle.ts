import type { SqlTx } from '@kuruma/data-access-db';

export interface LoginThrottlePolicy {
  /** Failures of one user name before it locks. */
  perUser: number;
  /** Failures from one client address (any user names) before it locks. */
  perAddress: number;
  /** First lock; each further failure doubles it. */
  lockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts again from zero. */
  windowMs: number;
}

/** Progressive lockout: nothing below the threshold, then lockMs, 2x, 4x ... up to maxLockMs. */
export function lockDurationMs(failures: number, threshold: number, policy: Pick<LoginThrottlePolicy, 'lockMs' | 'maxLockMs'>): number {
  if (failures < threshold) return 0;
  return Math.min(policy.maxLockMs, policy.lockMs * 2 ** Math.min(30, failures - threshold));
}

/**
 * Failed sign-ins per user name and per client address, in Postgres so every console instance
 * sees the same counts. Unknown user names are counted like known ones: a lockout must not tell
 * an attacker which accounts exist. A locked key refuses even the right password until it opens.
 */
export class LoginThrottle {
  constructor(
    private readonly db: SqlTx,
    private readonly policy: LoginThrottlePolicy,
  ) {}

  /** Milliseconds until the user and the address may both try again; 0 when neither is locked. */
  async lockedForMs(username: string, address: string, now = new Date()): Promise<number> {
    const rows = await this.db.$queryRaw<{ lockedUntil: Date | null }[]>`
      SELECT locked_until AS "lockedUntil" FROM ops_login_throttle WHERE key IN (${userKey(username)}, ${addressKey(address)}) AND locked_until > ${now}`;
    return Math.max(0, ...rows.map((r) => (r.lockedUntil?.getTime() ?? 0) - now.getTime()));
  }

  async failed(username: string, address: string, now = new Date()): Promise<void> {
    await Promise.all([this.count(userKey(username), this.policy.perUser, now), this.count(addressKey(address), this.policy.perAddress, now)]);
    // Forgotten keys go now and then (indexed on last_failure_at), not on every failure.
    if (Math.random() < 0.05) {
      await this.db.$executeRaw`
        DELETE FROM ops_login_throttle
         WHERE last_failure_at < ${new Date(now.getTime() - this.policy.windowMs)} AND (locked_until IS NULL OR locked_until < ${now})`;
    }
  }

  /** A right password clears the user's count; the address keeps its own (one good account must not reset a spray). */
  async succeeded(username: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM ops_login_throttle WHERE key = ${userKey(username)}`;
  }

  private async count(key: string, threshold: number, now: Date): Promise<void> {
    const quietSince = new Date(now.getTime() - this.policy.windowMs);
    const [row] = await this.db.$queryRaw<{ failures: number }[]>`
      INSERT INTO ops_login_throttle (key, failures, last_failure_at) VALUES (${key}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN ops_login_throttle.last_failure_at < ${quietSince} THEN 1 ELSE ops_login_throttle.failures + 1 END,
        last_failure_at = ${now}
      RETURNING failures`;
    const lockMs = lockDurationMs(row?.failures ?? 0, threshold, this.policy);
    if (lockMs > 0) await this.db.$executeRaw`UPDATE ops_login_throttle SET locked_until = ${new Date(now.getTime() + lockMs)} WHERE key = ${key}`;
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
const addressKey = (address: string) => `addr:${address}`;
