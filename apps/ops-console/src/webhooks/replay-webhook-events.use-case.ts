import type { WebhookReplayV1 } from '@kuruma/contracts';
import { replayWebhookEvents, type SqlTransactional, type SqlTx, webhookReplayFilter } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import type { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';
import type { WebhookEndpointsQuery } from './webhook-endpoints.query';

/**
 * An operator resends one event, or everything since an instant, to a partner's endpoint: the same
 * statement as the partner's own `POST .../replay` (new deliveries with the same `webhook-id`, in
 * order, at most WEBHOOK_REPLAY_MAX), committed with its audit entry (who, which endpoint, what,
 * how many re-queued). partner-webhooks' deliverer sends them on its next poll.
 */
export class ReplayWebhookEventsUseCase {
  constructor(
    private readonly db: SqlTransactional,
    private readonly endpoints: WebhookEndpointsQuery,
    private readonly audit: (tx: SqlTx) => AuditLog,
    private readonly max: number,
  ) {}

  async execute(who: OpsIdentity, endpointId: string, input: WebhookReplayV1): Promise<{ partnerId: string; replayed: number }> {
    return this.db.$transaction(async (tx) => {
      const partnerId = await this.endpoints.partnerOf(endpointId, tx);
      if (!partnerId) throw ProblemException.notFound(`webhook endpoint ${endpointId} not found`);
      const replayed = await replayWebhookEvents(tx, endpointId, partnerId, webhookReplayFilter(input), this.max);
      if ('eventId' in input && replayed === 0) throw ProblemException.notFound(`event ${input.eventId} not found for partner ${partnerId}`);
      await this.audit(tx).record(who, 'webhook.replay', 'webhook-endpoint', endpointId, { partnerId, ...input, replayed, max: this.max });
      return { partnerId, replayed };
    });
  }
}
