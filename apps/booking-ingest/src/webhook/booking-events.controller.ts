import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { type HttpRequest } from '@kuruma/service-kit';
import { ReceiveWebhookEventUseCase, type WebhookAnswer } from './receive-webhook-event.use-case';

/** `POST /v1/booking-events`: for partners that cannot produce to Kafka. */
@Controller('v1/booking-events')
export class BookingEventsController {
  constructor(@Inject(ReceiveWebhookEventUseCase) private readonly receive: ReceiveWebhookEventUseCase) {}

  @Post()
  @HttpCode(202)
  accept(@Req() req: HttpRequest): Promise<WebhookAnswer> {
    return this.receive.execute(req);
  }
}
