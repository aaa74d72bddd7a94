import type { Database } from '@kuruma/data-access-db';
import type { OpsIdentity } from '../auth/identity-provider';

/** Every ops action is written to the audit log: who, in which role, did what to which record. */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async record(actor: Pick<OpsIdentity, 'username' | 'role'>, action: string, targetType: string, targetId: string, details?: object): Promise<void> {
    await this.db.auditLog.create({ data: { actor: actor.username, role: actor.role, action, targetType, targetId, details: details ?? undefined } });
  }
}
