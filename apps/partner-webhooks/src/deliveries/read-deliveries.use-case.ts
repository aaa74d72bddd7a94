import type { WebhookDeliveryPageV1 } from '@kuruma/contracts';
import { readWebhookDeliveryLog, WEBHOOK_DELIVERY_CURSOR, type WebhookDeliveryRepository, type WebhookEndpointRepository } from '@kuruma/data-access-db';
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
    if (cursor !== undefined && !WEBHOOK_DELIVERY_CURSOR.test(cursor)) throw new InvalidRequestError('invalid cursor', [{ field: 'cursor', message: 'must be a nextCursor this API returned' }]);
    const limit = limitText === undefined ? DELIVERY_PAGE_DEFAULT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > DELIVERY_PAGE_MAX) throw new InvalidRequestError('invalid limit', [{ field: 'limit', message: `must be an integer from 1 to ${DELIVERY_PAGE_MAX}` }]);
    if (!(await this.endpoints.find(partnerId, endpointId))) throw notFound(endpointId);
    return readWebhookDeliveryLog(this.deliveries, endpointId, cursor ?? null, limit);
  }
}
