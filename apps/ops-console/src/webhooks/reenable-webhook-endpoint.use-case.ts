import { changeWebhookEndpoint, type SqlTransactional, type SqlTx } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import type { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';

/**
 * An operator enables an endpoint the platform (or its partner) disabled, as the partner's
 * `PATCH {"enabled": true}` does: the disabling and failure period cleared, the held deliveries due
 * at once. Committed with its audit entry, which keeps the reason it had been disabled for and how
 * many deliveries were waiting.
 */
export class ReenableWebhookEndpointUseCase {
  constructor(
    private readonly db: SqlTransactional,
    private readonly audit: (tx: SqlTx) => AuditLog,
  ) {}

  async execute(who: OpsIdentity, endpointId: string): Promise<{ partnerId: string; enabled: true; requeued: number }> {
    return this.db.$transaction(async (tx) => {
      const [before] = await tx.$queryRaw<{ partner_id: string; enabled: boolean; disabled_reason: string | null; held: number }[]>`
        SELECT partner_id, enabled, disabled_reason,
               (SELECT count(*)::int FROM webhook_delivery WHERE endpoint_id = e.id AND state = 'pending') AS held
          FROM webhook_endpoint e WHERE id = ${endpointId} FOR UPDATE`;
      if (!before) throw ProblemException.notFound(`webhook endpoint ${endpointId} not found`);
      if (before.enabled) throw ProblemException.conflict(`webhook endpoint ${endpointId} is already enabled`);
      await changeWebhookEndpoint(tx, before.partner_id, endpointId, { enabled: true });
      await this.audit(tx).record(who, 'webhook.reenable', 'webhook-endpoint', endpointId, { partnerId: before.partner_id, disabledReason: before.disabled_reason, requeued: before.held });
      return { partnerId: before.partner_id, enabled: true, requeued: before.held };
    });
  }
}
