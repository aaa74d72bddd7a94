import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  type WebhookEndpointCreateV1,
  webhookEndpointCreateV1Schema,
  type WebhookEndpointPatchV1,
  webhookEndpointPatchV1Schema,
  type WebhookEndpointV1,
} from '@kuruma/contracts';
import { type PartnerRecord, WebhookEndpointRepository } from '@kuruma/data-access-db';
import { Idempotent, Partner, PartnerGuard, ZodValidationPipe } from '@kuruma/service-kit';
import { ChangeEndpointUseCase, notFound } from './change-endpoint.use-case';
import { endpointView } from './endpoint-view';
import { RegisterEndpointUseCase } from './register-endpoint.use-case';

/** A partner's webhook endpoints; another partner's are indistinguishable from none (404). */
@Controller('v1/webhook-endpoints')
@UseGuards(PartnerGuard)
export class WebhookEndpointsController {
  constructor(
    @Inject(RegisterEndpointUseCase) private readonly register: RegisterEndpointUseCase,
    @Inject(ChangeEndpointUseCase) private readonly change: ChangeEndpointUseCase,
    @Inject(WebhookEndpointRepository) private readonly endpoints: WebhookEndpointRepository,
  ) {}

  // A retried registration (timeout, client retry queue) must not create a second endpoint and secret.
  @Post()
  @Idempotent()
  create(@Partner() partner: PartnerRecord, @Body(new ZodValidationPipe(webhookEndpointCreateV1Schema)) body: WebhookEndpointCreateV1): Promise<WebhookEndpointV1> {
    return this.register.execute(partner.id, body);
  }

  @Get()
  async list(@Partner() partner: PartnerRecord): Promise<{ items: WebhookEndpointV1[] }> {
    return { items: (await this.endpoints.list(partner.id)).map((row) => endpointView(row)) };
  }

  @Get(':id')
  async one(@Partner() partner: PartnerRecord, @Param('id') id: string): Promise<WebhookEndpointV1> {
    const row = await this.endpoints.find(partner.id, id);
    if (!row) throw notFound(id);
    return endpointView(row);
  }

  @Patch(':id')
  update(@Partner() partner: PartnerRecord, @Param('id') id: string, @Body(new ZodValidationPipe(webhookEndpointPatchV1Schema)) body: WebhookEndpointPatchV1): Promise<WebhookEndpointV1> {
    return this.change.update(partner.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Partner() partner: PartnerRecord, @Param('id') id: string): Promise<void> {
    if (!(await this.endpoints.delete(partner.id, id))) throw notFound(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotate(@Partner() partner: PartnerRecord, @Param('id') id: string): Promise<WebhookEndpointV1> {
    return this.change.rotateSecret(partner.id, id);
  }
}
