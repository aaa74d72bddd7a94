import { isUtf8 } from 'node:buffer';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { AUTHENTICATED_PARTNER_HEADER, bookingEventV1Schema, CLOUDEVENT_RECORD_HEADERS, fieldErrors, Topics } from '@kuruma/contracts';
import type { PartnerRecord, PartnerRepository } from '@kuruma/data-access-db';
import type { EventProducer } from '@kuruma/data-access-messaging';
import { ForbiddenError, InvalidRequestError, type PartnerAuthenticator, PARTNER_API_KEY_HEADER, UnauthenticatedError } from '@kuruma/service-kit';

/** The Standard Webhooks headers as received; empty strings where a header is absent. */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** One webhook call, as plain values: the controller reads them off the request. */
export interface WebhookDelivery {
  /** The exact bytes received: the signature covers them, and they are what goes to Kafka. */
  rawBody?: Buffer;
  /** The same bytes parsed as JSON. */
  body: unknown;
  /** `x-api-key`, when the partner authenticates with its key instead of a signature. */
  apiKey?: string;
  signature: WebhookSignatureHeaders;
  /** The request's trace headers: the Kafka record continues its trace. */
  trace?: Record<string, string>;
}

export interface WebhookAnswer {
  id: string;
  status: 'accepted';
}

/**
 * A partner's booking event over HTTP. Identity comes from the API key or from a valid Standard
 * Webhooks signature (HMAC-SHA256 over `id.timestamp.body` with the partner's secret, 5-minute
 * tolerance), never from the body alone. The event then takes exactly the Kafka path: it is
 * produced to `carshare.booking-events.v1`, which only booking-ingest may write, with the partner
 * it authenticated in a header (acks from all replicas before we answer 202), where
 * de-duplication by (partner, event id) makes a replay a no-op with the same answer.
 */
export class ReceiveWebhookEventUseCase {
  constructor(
    private readonly auth: PartnerAuthenticator,
    private readonly partners: PartnerRepository,
    private readonly producer: EventProducer,
    private readonly topic: (base: string) => string,
  ) {}

  async execute(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    // JSON is UTF-8: decoding invalid bytes would forward an event silently altered (U+FFFD).
    if (delivery.rawBody && !isUtf8(delivery.rawBody)) throw new InvalidRequestError('the body is not valid UTF-8', [{ field: '(body)', message: 'must be UTF-8 encoded JSON' }]);
    const raw = delivery.rawBody?.toString('utf8') ?? '';
    const body: unknown = delivery.body;
    const claimedPartner = partnerClaimedBy(body);
    const partner = await this.authenticate(delivery, raw, claimedPartner);
    const parsed = bookingEventV1Schema.safeParse(body);
    if (!parsed.success) throw new InvalidRequestError('the booking event is invalid', fieldErrors(parsed.error));
    if (parsed.data.data.partnerId !== partner.id) {
      throw new ForbiddenError(`authenticated as partner ${partner.id}, but the event claims partner ${parsed.data.data.partnerId}`);
    }
    await this.producer.send([
      { topic: this.topic(Topics.bookingEvents), key: parsed.data.subject, value: raw, headers: { ...delivery.trace, ...CLOUDEVENT_RECORD_HEADERS, 'x-received-via': 'webhook', [AUTHENTICATED_PARTNER_HEADER]: partner.id } },
    ]);
    return { id: parsed.data.id, status: 'accepted' };
  }

  private async authenticate(delivery: WebhookDelivery, raw: string, claimedPartner: string | null): Promise<PartnerRecord> {
    if (delivery.apiKey) return this.auth.authenticate(delivery.apiKey);
    const headers = delivery.signature;
    if (!headers['webhook-signature']) throw new UnauthenticatedError(`send ${PARTNER_API_KEY_HEADER} or Standard Webhooks signature headers`);
    // The body only says whose secret to try; the signature proves it.
    const candidate = claimedPartner ? await this.partners.findById(claimedPartner) : null;
    if (!candidate) throw new UnauthenticatedError('signature does not verify');
    try {
      new Webhook(candidate.webhookSecret).verify(raw, headers);
    } catch (error) {
      const reason = error instanceof WebhookVerificationError ? error.message : 'signature does not verify';
      throw new UnauthenticatedError(reason);
    }
    // A signed webhook counts against the same per-partner rate as an API-key call.
    this.auth.admit(candidate);
    return candidate;
  }
}

function partnerClaimedBy(body: unknown): string | null {
  const source = (body as { source?: unknown } | null)?.source;
  return typeof source === 'string' && source.startsWith('partner/') ? source.slice('partner/'.length) : null;
}
