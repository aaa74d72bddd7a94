import express from 'express';
import helmet from 'helmet';
import { Topics, topicName } from '@kuruma/contracts';
import { connectDatabase, createLogger, createServiceKafka, createServiceKit, runService } from '@kuruma/service-kit';
import { OpsConsoleModule } from './app.module';
import { AuditLog } from './audit/audit-log';
import { IDENTITY_PROVIDER, LocalAccounts } from './auth/identity-provider';
import { CsrfGuard } from './auth/csrf.guard';
import { LoginThrottle } from './auth/login-throttle';
import { OpsSessions } from './auth/ops-sessions';
import { ClaimsTriggerClient } from './claims/claims-trigger.client';
import { loadOpsConsoleConfig } from './ops-console.config';
import { LiveEventBuffer } from './stream/live-event-buffer';
import { LiveEventFeed } from './stream/live-event-feed';
import { CONFIG, DATABASE } from './tokens';
import { CONSOLE_ASSETS, consoleAssetsDir, uplotDir } from './web/console-assets';

async function main(): Promise<void> {
  const config = loadOpsConsoleConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN);
  const production = config.APP_ENV === 'production';
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
  const sessions = new OpsSessions(db, config.OPS_SESSION_SECRET);
  const throttle = new LoginThrottle(db, {
    perUser: config.OPS_LOGIN_MAX_FAILURES_PER_USER,
    perAddress: config.OPS_LOGIN_MAX_FAILURES_PER_ADDRESS,
    lockMs: config.OPS_LOGIN_LOCK_MS,
    maxLockMs: config.OPS_LOGIN_MAX_LOCK_MS,
    windowMs: config.OPS_LOGIN_FAILURE_WINDOW_MS,
  });
  await runService({
    kit,
    module: OpsConsoleModule.register(kit, [
      { provide: DATABASE, useValue: db },
      { provide: CONFIG, useValue: config },
      { provide: CONSOLE_ASSETS, useValue: assets },
      { provide: LiveEventBuffer, useValue: buffer },
      { provide: OpsSessions, useValue: sessions },
      { provide: LoginThrottle, useValue: throttle },
      { provide: IDENTITY_PROVIDER, useValue: new LocalAccounts(db) },
      { provide: AuditLog, useValue: new AuditLog(db) },
      { provide: ClaimsTriggerClient, useValue: new ClaimsTriggerClient(config.CLAIMS_TRIGGER_OPS_URL, config.OPS_SERVICE_TOKEN, config.OPS_IDENTITY_KEY) },
    ]),
    host: config.HOST,
    port: config.PORT,
    // Static files, login forms, cookies and SSE: Express middleware the console is built on.
    http: 'express',
    // The sign-in form also posts without the script (urlencoded); nothing else takes a body.
    bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
    beforeListen: (nest) => {
      if (config.OPS_TRUST_PROXY) nest.set('trust proxy', config.OPS_TRUST_PROXY);
      nest.use(helmet(securityHeaders(production)));
      nest.useGlobalGuards(new CsrfGuard(sessions, config.OPS_CONSOLE_ORIGINS));
      nest.use('/assets/vendor/uplot', express.static(uplotDir(), { maxAge: '1d' }));
      nest.use('/assets', express.static(assets, { maxAge: 0, index: false }));
      nest.useBodyParser('urlencoded', { extended: false });
    },
  });
}

/**
 * Headers for every response, static files included: a CSP that allows only the console's own
 * scripts (all local, no inline script), no framing (clickjacking), no MIME sniffing, no referrer
 * beyond this origin, and HSTS in production (development runs on plain http://localhost).
 */
function securityHeaders(production: boolean): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // uPlot positions its chart with inline styles; scripts stay strict.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'ops-console', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
