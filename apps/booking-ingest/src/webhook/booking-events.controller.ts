import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { headerOf, type HttpRequest, PARTNER_API_KEY_HEADER } from '@kuruma/service-kit';
import { ReceiveWebhookEventUseCase, type WebhookAnswer } from './receive-webhook-event.use-case';

/**
 * `POST /v1/booking-events`: for partners that cannot produce to Kafka. A partner authenticates
 * with its API key or a Standard Webhooks signature over the exact bytes, so the use case
 * receives those bytes and headers as plain values and decides (no guard can: either suffices).
 */
@Controller('v1/booking-events')
export class BookingEventsController {
  constructor(@Inject(ReceiveWebhookEventUseCase) private readonly receive: ReceiveWebhookEventUseCase) {}

  @Post()
  @HttpCode(202)
  accept(@Req() req: HttpRequest): Promise<WebhookAnswer> {
    return this.receive.execute({
      rawBody: req.rawBody,
      trace: req.trace,
      body: req.body,
      apiKey: headerOf(req, PARTNER_API_KEY_HEADER),
      signature: {
        'webhook-id': headerOf(req, 'webhook-id') ?? '',
        'webhook-timestamp': headerOf(req, 'webhook-timestamp') ?? '',
        'webhook-signature': headerOf(req, 'webhook-signature') ?? '',
      },
    });
  }
}
