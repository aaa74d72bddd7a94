import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { SqlDatabase, WebhookDeliveryRepository, WebhookEndpointRepository } from '@kuruma/data-access-db';
import {
  DatabaseModule,
  JobSchedule,
  KafkaModule,
  KafkaTransportModule,
  LOGGER,
  PartnerAuthModule,
  RedisModule,
  ServiceKitModule,
  ServiceMetrics,
  ShutdownRegistry,
} from '@kuruma/service-kit';
import { ReadDeliveriesUseCase } from './deliveries/read-deliveries.use-case';
import { ReplayDeliveriesUseCase } from './deliveries/replay-deliveries.use-case';
import { WebhookDeliveriesController } from './deliveries/webhook-deliveries.controller';
import { DeliverWebhooksJob } from './delivery/deliver-webhooks.job';
import { WebhookSender } from './delivery/webhook-sender';
import { ChangeEndpointUseCase } from './endpoints/change-endpoint.use-case';
import { RegisterEndpointUseCase } from './endpoints/register-endpoint.use-case';
import { WebhookEndpointsController } from './endpoints/webhook-endpoints.controller';
import { EnqueueDeliveriesUseCase } from './intake/enqueue-deliveries.use-case';
import { PartnerEventsKafkaHandler } from './intake/partner-events.kafka-handler';
import type { PartnerWebhooksConfig } from './partner-webhooks.config';

/**
 * Partner webhooks: partners register HTTPS endpoints; every policy and claim event of theirs is
 * recorded with a delivery per subscribed endpoint (consumer transaction = inbox + deliveries) and
 * POSTed, signed per Standard Webhooks, by a Postgres-backed delivery loop (docs/webhooks.md).
 */
@Module({})
export class PartnerWebhooksModule {
  static forRoot(config: PartnerWebhooksConfig): DynamicModule {
    // Production: https and public addresses only (registration and each delivery); elsewhere a local receiver is allowed.
    const strict = config.APP_ENV === 'production';
    return {
      module: PartnerWebhooksModule,
      imports: [ServiceKitModule.forService(config), DatabaseModule.forRoot(), KafkaModule.forRoot(), KafkaTransportModule.forGroup('partner-webhooks'), PartnerAuthModule.forRoot(), RedisModule.forRoot()],
      controllers: [WebhookEndpointsController, WebhookDeliveriesController, PartnerEventsKafkaHandler],
      providers: [
        { provide: WebhookEndpointRepository, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new WebhookEndpointRepository(sql) },
        { provide: WebhookDeliveryRepository, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new WebhookDeliveryRepository(sql) },
        {
          provide: DeliverWebhooksJob,
          inject: [SqlDatabase, WebhookDeliveryRepository, LOGGER, ServiceMetrics],
          useFactory: (sql: SqlDatabase, deliveries: WebhookDeliveryRepository, logger: Logger, metrics: ServiceMetrics) =>
            new DeliverWebhooksJob(
              sql,
              deliveries,
              new WebhookSender({ timeoutMs: config.WEBHOOK_TIMEOUT_MS, publicAddressesOnly: strict }),
              {
                retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS,
                disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
                timeoutMs: config.WEBHOOK_TIMEOUT_MS,
                perEndpoint: config.WEBHOOK_ENDPOINT_CONCURRENCY,
                maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
                pollMs: config.WEBHOOK_POLL_MS,
                retentionMs: config.WEBHOOK_EVENT_RETENTION_DAYS * 86_400_000,
              },
              logger.child({ component: 'webhook-deliverer' }),
              metrics,
            ),
        },
        { provide: JobSchedule, inject: [DeliverWebhooksJob, ShutdownRegistry], useFactory: (job: DeliverWebhooksJob, shutdown: ShutdownRegistry) => new JobSchedule('webhook-deliverer', job, shutdown) },
        {
          provide: EnqueueDeliveriesUseCase,
          inject: [SqlDatabase, WebhookDeliveryRepository, DeliverWebhooksJob],
          useFactory: (sql: SqlDatabase, deliveries: WebhookDeliveryRepository, job: DeliverWebhooksJob) => new EnqueueDeliveriesUseCase(sql, deliveries, () => job.wake()),
        },
        {
          provide: RegisterEndpointUseCase,
          inject: [WebhookEndpointRepository],
          useFactory: (endpoints: WebhookEndpointRepository) => new RegisterEndpointUseCase(endpoints, { strict }, config.WEBHOOK_MAX_ENDPOINTS_PER_PARTNER),
        },
        { provide: ChangeEndpointUseCase, inject: [WebhookEndpointRepository], useFactory: (endpoints: WebhookEndpointRepository) => new ChangeEndpointUseCase(endpoints, { strict }, config.WEBHOOK_SECRET_OVERLAP_MS) },
        {
          provide: ReadDeliveriesUseCase,
          inject: [WebhookEndpointRepository, WebhookDeliveryRepository],
          useFactory: (endpoints: WebhookEndpointRepository, deliveries: WebhookDeliveryRepository) => new ReadDeliveriesUseCase(endpoints, deliveries),
        },
        {
          provide: ReplayDeliveriesUseCase,
          inject: [WebhookEndpointRepository, WebhookDeliveryRepository, DeliverWebhooksJob],
          useFactory: (endpoints: WebhookEndpointRepository, deliveries: WebhookDeliveryRepository, job: DeliverWebhooksJob) => new ReplayDeliveriesUseCase(endpoints, deliveries, config.WEBHOOK_REPLAY_MAX, () => job.wake()),
        },
      ],
    };
  }
}
