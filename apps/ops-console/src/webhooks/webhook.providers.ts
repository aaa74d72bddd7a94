import type { Provider } from '@nestjs/common';
import { SqlDatabase, type SqlTx, WebhookDeliveryRepository } from '@kuruma/data-access-db';
import { AuditLog } from '../audit/audit-log';
import type { OpsConsoleConfig } from '../ops-console.config';
import { CONFIG } from '../tokens';
import { ReenableWebhookEndpointUseCase } from './reenable-webhook-endpoint.use-case';
import { ReplayWebhookEventsUseCase } from './replay-webhook-events.use-case';
import { WebhookDeliveryLogQuery } from './webhook-delivery-log.query';
import { WebhookEndpointsQuery } from './webhook-endpoints.query';

/** The console's webhooks side: partner-webhooks' tables read and changed through its own data-access code. */
export const webhookProviders: Provider[] = [
  { provide: WebhookEndpointsQuery, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new WebhookEndpointsQuery(db) },
  {
    provide: WebhookDeliveryLogQuery,
    inject: [WebhookEndpointsQuery, SqlDatabase],
    useFactory: (endpoints: WebhookEndpointsQuery, db: SqlDatabase) => new WebhookDeliveryLogQuery(endpoints, new WebhookDeliveryRepository(db)),
  },
  {
    provide: ReplayWebhookEventsUseCase,
    inject: [SqlDatabase, WebhookEndpointsQuery, CONFIG],
    useFactory: (db: SqlDatabase, endpoints: WebhookEndpointsQuery, cfg: OpsConsoleConfig) => new ReplayWebhookEventsUseCase(db, endpoints, (tx: SqlTx) => new AuditLog(tx), cfg.WEBHOOK_REPLAY_MAX),
  },
  { provide: ReenableWebhookEndpointUseCase, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new ReenableWebhookEndpointUseCase(db, (tx: SqlTx) => new AuditLog(tx)) },
];
