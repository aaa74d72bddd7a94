import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { WebhookReplayV1 } from '@kuruma/contracts';
import { ZodValidationPipe } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, Roles } from '../auth/roles.decorator';
import { ReenableWebhookEndpointUseCase } from './reenable-webhook-endpoint.use-case';
import { ReplayWebhookEventsUseCase } from './replay-webhook-events.use-case';
import { WebhookDeliveryLogQuery } from './webhook-delivery-log.query';
import { WebhookEndpointsQuery } from './webhook-endpoints.query';
import { type DeliveryLogParams, deliveryLogParams, type EndpointListParams, endpointIdPipe, endpointListParams, replayBody, WEBHOOK_OPERATORS } from './webhook-inputs';

/**
 * Partners' webhook endpoints for operators: everyone signed in lists them and reads their
 * delivery logs; only WEBHOOK_OPERATORS resend events or re-enable one, and a refused attempt is
 * audited like a dead-letter redrive.
 */
@Controller('api/webhooks/endpoints')
@UseGuards(OpsSessionGuard)
export class WebhooksController {
  constructor(
    @Inject(WebhookEndpointsQuery) private readonly endpoints: WebhookEndpointsQuery,
    @Inject(WebhookDeliveryLogQuery) private readonly log: WebhookDeliveryLogQuery,
    @Inject(ReplayWebhookEventsUseCase) private readonly replayer: ReplayWebhookEventsUseCase,
    @Inject(ReenableWebhookEndpointUseCase) private readonly reenabler: ReenableWebhookEndpointUseCase,
  ) {}

  @Get()
  list(@Query(new ZodValidationPipe(endpointListParams, 'invalid webhook endpoint filter')) params: EndpointListParams) {
    return this.endpoints.list(params);
  }

  @Get(':id/deliveries')
  deliveries(@Param('id', endpointIdPipe) id: string, @Query(new ZodValidationPipe(deliveryLogParams, 'invalid delivery log page')) params: DeliveryLogParams) {
    return this.log.page(id, params);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @Roles(...WEBHOOK_OPERATORS)
  @AuditRoleRefusal({ attempt: 'resend webhooks', auditAction: 'webhook.replay-refused', targetType: 'webhook-endpoint', targetParam: 'id' })
  replay(@OpsUser() who: OpsIdentity, @Param('id', endpointIdPipe) id: string, @Body(new ZodValidationPipe(replayBody)) body: WebhookReplayV1) {
    return this.replayer.execute(who, id, body);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Roles(...WEBHOOK_OPERATORS)
  @AuditRoleRefusal({ attempt: 're-enable webhook endpoints', auditAction: 'webhook.reenable-refused', targetType: 'webhook-endpoint', targetParam: 'id' })
  enable(@OpsUser() who: OpsIdentity, @Param('id', endpointIdPipe) id: string) {
    return this.reenabler.execute(who, id);
  }
}
