import type { WebhookDeliveryPageV1 } from '@kuruma/contracts';
import { readWebhookDeliveryLog, type WebhookDeliveryRepository } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import type { WebhookEndpointsQuery } from './webhook-endpoints.query';
import type { DeliveryLogParams } from './webhook-inputs';

/** An endpoint's delivery log as its partner reads it over the API (same query, same page), for any partner's endpoint. */
export class WebhookDeliveryLogQuery {
  constructor(
    private readonly endpoints: WebhookEndpointsQuery,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  async page(endpointId: string, params: DeliveryLogParams): Promise<WebhookDeliveryPageV1 & { partnerId: string }> {
    const partnerId = await this.endpoints.partnerOf(endpointId);
    if (!partnerId) throw ProblemException.notFound(`webhook endpoint ${endpointId} not found`);
    return { partnerId, ...(await readWebhookDeliveryLog(this.deliveries, endpointId, params.cursor ?? null, params.limit)) };
  }
}
