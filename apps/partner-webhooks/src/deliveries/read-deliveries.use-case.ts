import type { WebhookDeliveryPageV1 } from '@kuruma/contracts';
import type { WebhookDeliveryRepository, WebhookEndpointRepository } from '@kuruma/data-access-db';
import { InvalidRequestError } from '@kuruma/service-kit';
import { notFound } from '../endpoints/change-endpoint.use-case';

export const DELIVERY_PAGE_DEFAULT = 50;
export const DELIVERY_PAGE_MAX = 200;

/** The delivery log of a partner's own endpoint, newest first, a page at a time (cursor = the last delivery id seen). */
export class ReadDeliveriesUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  async execute(partnerId: string, endpointId: string, cursor: string | undefined, limitText: string | undefined): Promise<WebhookDeliveryPageV1> {
    if (cursor !== undefined && !/^[1-9]\d{0,17}$/.test(cursor)) throw new InvalidRequestError('invalid cursor', [{ field: 'cursor', message: 'must be a nextCursor this API returned' }]);
    const limit = limitText === undefined ? DELIVERY_PAGE_DEFAULT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > DELIVERY_PAGE_MAX) throw new InvalidRequestError('invalid limit', [{ field: 'limit', message: `must be an integer from 1 to ${DELIVERY_PAGE_MAX}` }]);
    if (!(await this.endpoints.find(partnerId, endpointId))) throw notFound(endpointId);
    const { deliveries, attempts } = await this.deliveries.page(endpointId, cursor ?? null, limit);
    const items = deliveries.map((d) => ({
      id: d.id,
      eventId: d.event_id,
      eventType: d.type,
      state: d.state,
      replay: d.replay,
      createdAt: d.created_at.toISOString(),
      deliveredAt: d.delivered_at?.toISOString() ?? null,
      nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
      attempts: attempts.filter((a) => a.delivery_id === d.id).map((a) => ({ at: a.attempted_at.toISOString(), statusCode: a.status_code, latencyMs: a.latency_ms, error: a.error })),
    }));
    return { items, nextCursor: deliveries.length === limit ? (deliveries.at(-1)?.id ?? null) : null };
  }
}
