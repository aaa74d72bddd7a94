import express from 'express';
import { Topics, topicName } from '@kuruma/contracts';
import { connectDatabase, createLogger, createServiceKafka, createServiceKit, runService } from '@kuruma/service-kit';
import { OpsConsoleModule } from './app.module';
import { AuditLog } from './audit/audit-log';
import { IDENTITY_PROVIDER, LocalAccounts } from './auth/identity-provider';
import { SessionCookie } from './auth/session-cookie';
import { ClaimsTriggerClient } from './claims/claims-trigger.client';
import { loadOpsConsoleConfig } from './ops-console.config';
import { LiveEventBuffer } from './stream/live-event-buffer';
import { LiveEventFeed } from './stream/live-event-feed';
import { CONFIG, DATABASE } from './tokens';
import { CONSOLE_ASSETS, consoleAssetsDir, uplotDir } from './web/console-assets';

async function main(): Promise<void> {
  const config = loadOpsConsoleConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger);
  const topic = (base: string) => topicName(base, config.KAFKA_TOPIC_NAMESPACE);
  const db = connectDatabase(kit, config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const kafka = createServiceKafka(kit, config);

  const buffer = new LiveEventBuffer(config.LIVE_BUFFER_SIZE);
  const streamed = kit.metrics.counter('kuruma_console_live_events_total', 'Public events received for the live stream');
  buffer.subscribe(() => streamed.inc());
  const feed = new LiveEventFeed(kafka, [topic(Topics.policyEvents), topic(Topics.claimEvents)], buffer, config.LIVE_BACKFILL_MS, config.KAFKA_GROUP_PREFIX, kit.logger.child({ component: 'live-feed' }));
  await feed.start();
  kit.health.register({ name: 'live-feed', check: async () => feed.check() });
  kit.shutdown.register('live-feed', () => feed.stop());

  const assets = consoleAssetsDir();
  await runService({
    kit,
    module: OpsConsoleModule.register(kit, [
      { provide: DATABASE, useValue: db },
      { provide: CONFIG, useValue: config },
      { provide: CONSOLE_ASSETS, useValue: assets },
      { provide: LiveEventBuffer, useValue: buffer },
      { provide: SessionCookie, useValue: new SessionCookie(config.OPS_SESSION_SECRET) },
      { provide: IDENTITY_PROVIDER, useValue: new LocalAccounts(db) },
      { provide: AuditLog, useValue: new AuditLog(db) },
      { provide: ClaimsTriggerClient, useValue: new ClaimsTriggerClient(config.CLAIMS_TRIGGER_URL, config.OPS_SERVICE_TOKEN) },
    ]),
    host: config.HOST,
    port: config.PORT,
    // Static files, login forms, cookies and SSE: Express middleware the console is built on.
    http: 'express',
    beforeListen: (nest) => {
      nest.use('/assets/vendor/uplot', express.static(uplotDir(), { maxAge: '1d' }));
      nest.use('/assets', express.static(assets, { maxAge: 0, index: false }));
      nest.useBodyParser('urlencoded', { extended: false });
    },
  });
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'ops-console', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
