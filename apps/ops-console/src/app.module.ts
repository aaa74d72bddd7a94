import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SqlDatabase, type SqlTx, TariffVersionRepository } from '@kuruma/data-access-db';
import { DatabaseModule, KafkaModule, KafkaTailModule, ServiceKitModule, ServiceMetrics } from '@kuruma/service-kit';
import { AuditLog } from './audit/audit-log';
import { AuthController } from './auth/auth.controller';
import { CsrfGuard } from './auth/csrf.guard';
import { IDENTITY_PROVIDER, LocalAccounts } from './auth/identity-provider';
import { LoginThrottle } from './auth/login-throttle';
import { OpsSessions } from './auth/ops-sessions';
import { ClaimsQueueController } from './claims/claims-queue.controller';
import { ClaimsTriggerClient } from './claims/claims-trigger.client';
import { ConsoleApiController } from './console-api.controller';
import { FinanceController } from './finance/finance.controller';
import { RecordPartnerRemittanceUseCase } from './finance/record-partner-remittance.use-case';
import { CalibrationRunsController } from './pricing/calibration-runs.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { deadLetterProviders } from './dead-letters/dead-letter.providers';
import type { OpsConsoleConfig } from './ops-console.config';
import { LiveEventBuffer } from './stream/live-event-buffer';
import { LiveStreamController } from './stream/live-stream.controller';
import { PublicEventsKafkaHandler } from './stream/public-events.kafka-handler';
import { DraftTariffVersionUseCase } from './tariffs/draft-tariff-version.use-case';
import { TariffLifecycleStepUseCase } from './tariffs/tariff-lifecycle-step.use-case';
import { TariffsController } from './tariffs/tariffs.controller';
import { TariffVersionsQuery } from './tariffs/tariff-versions.query';
import { CONFIG } from './tokens';
import { CONSOLE_ASSETS, consoleAssetsDir } from './web/console-assets';
import { webhookProviders } from './webhooks/webhook.providers';
import { WebhooksController } from './webhooks/webhooks.controller';
import { ConsolePagesController } from './web/console-pages.controller';

/**
 * The ops console: pages, sign-in and the read API over Postgres (plain SQL on one node-postgres
 * pool, no Prisma client: its query compiler alone kept 50-100 MB resident), claim actions through
 * claims-trigger, partners' webhook endpoints (delivery logs, resend, re-enabling, through
 * partner-webhooks' own data-access code), and the live stream of the public policy and claim
 * events tailed from Kafka (no shared producer: the console publishes only an admin's redrive of a
 * dead letter, through its own).
 */
@Module({})
export class OpsConsoleModule {
  static forRoot(config: OpsConsoleConfig): DynamicModule {
    return {
      module: OpsConsoleModule,
      imports: [
        ServiceKitModule.forService(config),
        DatabaseModule.forRoot(),
        KafkaModule.forRoot({ producer: false }),
        KafkaTailModule.forGroup<OpsConsoleConfig>('ops-console', { backfillMs: (c) => c.LIVE_BACKFILL_MS, replayLimit: (c) => c.LIVE_BUFFER_SIZE, healthName: 'live-feed' }),
      ],
      controllers: [ConsolePagesController, AuthController, ConsoleApiController, ClaimsQueueController, TariffsController, FinanceController, CalibrationRunsController, LiveStreamController, PublicEventsKafkaHandler, DeadLettersController, WebhooksController],
      providers: [
        ...deadLetterProviders,
        ...webhookProviders,
        { provide: RecordPartnerRemittanceUseCase, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new RecordPartnerRemittanceUseCase(db, (tx: SqlTx) => new AuditLog(tx)) },
        { provide: CONSOLE_ASSETS, useFactory: consoleAssetsDir },
        {
          provide: LiveEventBuffer,
          inject: [CONFIG, ServiceMetrics],
          useFactory: (cfg: OpsConsoleConfig, metrics: ServiceMetrics) => {
            const buffer = new LiveEventBuffer(cfg.LIVE_BUFFER_SIZE);
            const streamed = metrics.counter('kuruma_console_live_events_total', 'Public events received for the live stream');
            buffer.subscribe(() => streamed.inc());
            return buffer;
          },
        },
        { provide: OpsSessions, inject: [SqlDatabase, CONFIG], useFactory: (db: SqlDatabase, cfg: OpsConsoleConfig) => new OpsSessions(db, cfg.OPS_SESSION_SECRET) },
        {
          provide: LoginThrottle,
          inject: [SqlDatabase, CONFIG],
          useFactory: (db: SqlDatabase, cfg: OpsConsoleConfig) =>
            new LoginThrottle(db, {
              perUser: cfg.OPS_LOGIN_MAX_FAILURES_PER_USER,
              perAddress: cfg.OPS_LOGIN_MAX_FAILURES_PER_ADDRESS,
              lockMs: cfg.OPS_LOGIN_LOCK_MS,
              maxLockMs: cfg.OPS_LOGIN_MAX_LOCK_MS,
              windowMs: cfg.OPS_LOGIN_FAILURE_WINDOW_MS,
            }),
        },
        { provide: IDENTITY_PROVIDER, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new LocalAccounts(db) },
        { provide: AuditLog, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new AuditLog(db) },
        { provide: TariffVersionRepository, inject: [SqlDatabase], useFactory: (db: SqlDatabase) => new TariffVersionRepository(db) },
        { provide: TariffVersionsQuery, inject: [TariffVersionRepository, SqlDatabase], useFactory: (store: TariffVersionRepository, db: SqlDatabase) => new TariffVersionsQuery(store, db) },
        { provide: DraftTariffVersionUseCase, inject: [TariffVersionRepository], useFactory: (store: TariffVersionRepository) => new DraftTariffVersionUseCase(store) },
        { provide: TariffLifecycleStepUseCase, inject: [TariffVersionRepository, AuditLog], useFactory: (store: TariffVersionRepository, audit: AuditLog) => new TariffLifecycleStepUseCase(store, audit) },
        {
          provide: ClaimsTriggerClient,
          inject: [CONFIG],
          useFactory: (cfg: OpsConsoleConfig) => new ClaimsTriggerClient(cfg.CLAIMS_TRIGGER_OPS_URL, cfg.OPS_SERVICE_TOKEN, cfg.OPS_IDENTITY_KEY),
        },
        // Before every route guard: a state-changing request must come from the console's own pages.
        { provide: APP_GUARD, inject: [OpsSessions, CONFIG], useFactory: (sessions: OpsSessions, cfg: OpsConsoleConfig) => new CsrfGuard(sessions, cfg.OPS_CONSOLE_ORIGINS) },
      ],
    };
  }
}
