import type { WebhookReplayV1 } from '@kuruma/contracts';
import { type WebhookDeliveryRepository, type WebhookEndpointRepository, webhookReplayFilter } from '@kuruma/data-access-db';
import { NotFoundError } from '@kuruma/service-kit';
import { notFound } from '../endpoints/change-endpoint.use-case';

/**
 * Sends events to a partner's endpoint again, as new deliveries with the same `webhook-id`: one
 * event (any type the partner received, subscribed or not), or every subscribed one since an instant.
 */
export class ReplayDeliveriesUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly max: number,
    private readonly enqueued: () => void,
  ) {}

  async execute(partnerId: string, endpointId: string, input: WebhookReplayV1): Promise<{ replayed: number }> {
    if (!(await this.endpoints.find(partnerId, endpointId))) throw notFound(endpointId);
    const replayed = await this.deliveries.replay(endpointId, partnerId, webhookReplayFilter(input), this.max);
    if ('eventId' in input && replayed === 0) throw new NotFoundError(`event ${input.eventId.slice(0, 128)} not found for this partner`);
    if (replayed > 0) this.enqueued();
    return { replayed };
  }
}
