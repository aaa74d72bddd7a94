import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { type WebhookDeliveryPageV1, type WebhookReplayV1, webhookReplayV1Schema } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { Partner, PartnerGuard, ZodValidationPipe } from '@kuruma/service-kit';
import { ReadDeliveriesUseCase } from './read-deliveries.use-case';
import { ReplayDeliveriesUseCase } from './replay-deliveries.use-case';

/** The delivery log of a partner's own endpoint and the resend of its events. */
@Controller('v1/webhook-endpoints/:id')
@UseGuards(PartnerGuard)
export class WebhookDeliveriesController {
  constructor(
    @Inject(ReadDeliveriesUseCase) private readonly read: ReadDeliveriesUseCase,
    @Inject(ReplayDeliveriesUseCase) private readonly replayer: ReplayDeliveriesUseCase,
  ) {}

  @Get('deliveries')
  deliveries(@Partner() partner: PartnerRecord, @Param('id') id: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string): Promise<WebhookDeliveryPageV1> {
    return this.read.execute(partner.id, id, cursor, limit);
  }

  @Post('replay')
  @HttpCode(202)
  replay(@Partner() partner: PartnerRecord, @Param('id') id: string, @Body(new ZodValidationPipe(webhookReplayV1Schema)) body: WebhookReplayV1): Promise<{ replayed: number }> {
    return this.replayer.execute(partner.id, id, body);
  }
}
