import { randomBytes } from 'node:crypto';
import type { WebhookEndpointCreateV1, WebhookEndpointV1 } from '@kuruma/contracts';
import type { WebhookEndpointRepository } from '@kuruma/data-access-db';
import { ConflictError } from '@kuruma/service-kit';
import { newSigningSecret } from '../delivery/webhook-signature';
import { endpointView } from './endpoint-view';
import { checkReceiverUrl, type ReceiverUrlPolicy } from './receiver-url';

/** Endpoint ids: unguessable, so one cannot even probe whether another partner's exists. */
export const newEndpointId = (): string => `we_${randomBytes(16).toString('hex')}`;

/** A partner registers a receiver; its signing secret is in this answer and never again. */
export class RegisterEndpointUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly urls: ReceiverUrlPolicy,
    private readonly maxPerPartner: number,
  ) {}

  async execute(partnerId: string, input: WebhookEndpointCreateV1): Promise<WebhookEndpointV1> {
    const url = checkReceiverUrl(input.url, this.urls);
    const row = await this.endpoints.create({ id: newEndpointId(), partnerId, url, eventTypes: input.eventTypes, enabled: input.enabled, secret: newSigningSecret() }, this.maxPerPartner);
    if (!row) throw new ConflictError(`a partner may register at most ${this.maxPerPartner} webhook endpoints; delete one first`);
    return endpointView(row, true);
  }
}
