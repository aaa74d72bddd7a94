import type { SqlTx } from '@kuruma/data-access-db';
import type { OpsIdentity } from '../auth/identity-provider';

/** Every ops action is written to the audit log: who, in which role, did what to which record. */
export class AuditLog {
  constructor(private readonly db: SqlTx) {}

  async record(actor: Pick<OpsIdentity, 'username' | 'role'>, action: string, targetType: string, targetId: string, details?: object): Promise<void> {
    // Random ids as claims-trigger's audit entries get; entries are read in `at` order, never by id.
    await this.db.$executeRaw`
      INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
      VALUES (gen_random_uuid(), ${actor.username}, ${actor.role}, ${action}, ${targetType}, ${targetId}, ${details === undefined ? null : JSON.stringify(details)}::jsonb)`;
  }
}
