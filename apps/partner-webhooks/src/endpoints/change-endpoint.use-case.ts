import type { WebhookEndpointPatchV1, WebhookEndpointV1 } from '@kuruma/contracts';
import type { WebhookEndpointRepository } from '@kuruma/data-access-db';
import { NotFoundError } from '@kuruma/service-kit';
import { newSigningSecret } from '../delivery/webhook-signature';
import { endpointView } from './endpoint-view';
import { checkReceiverUrl, type ReceiverUrlPolicy } from './receiver-url';

/** Changes to a partner's own endpoint: its URL, types and enabling, or a new signing secret. */
export class ChangeEndpointUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly urls: ReceiverUrlPolicy,
    private readonly secretOverlapMs: number,
  ) {}

  async update(partnerId: string, id: string, patch: WebhookEndpointPatchV1): Promise<WebhookEndpointV1> {
    const url = patch.url === undefined ? undefined : checkReceiverUrl(patch.url, this.urls);
    const row = await this.endpoints.update(partnerId, id, { ...patch, url });
    if (!row) throw notFound(id);
    return endpointView(row);
  }

  /** The new secret signs at once; the previous one also signs until the overlap ends, so receivers can switch at leisure. */
  async rotateSecret(partnerId: string, id: string): Promise<WebhookEndpointV1> {
    const row = await this.endpoints.rotateSecret(partnerId, id, newSigningSecret(), this.secretOverlapMs);
    if (!row) throw notFound(id);
    return endpointView(row, true);
  }
}

/** Another partner's endpoint and a missing one get the same answer. */
export const notFound = (id: string): NotFoundError => new NotFoundError(`webhook endpoint ${id.slice(0, 64)} not found`);
