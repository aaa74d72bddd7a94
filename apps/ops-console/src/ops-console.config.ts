import { z } from 'zod';
import { driverPseudonymVars, envInt, envList, loadServiceConfig, opsServiceVars, opsVars, webhookReplayVars } from '@kuruma/config';

export const loadOpsConsoleConfig = (env?: NodeJS.ProcessEnv) =>
  loadServiceConfig(
    'ops-console',
    3000,
    {
      ...opsVars,
      ...opsServiceVars,
      ...webhookReplayVars,
      // Policies keep the driver's pseudonym: a search by the partner's reference hashes it per partner.
      ...driverPseudonymVars,
      /**
       * Days a dead letter is kept in Postgres: the console's index of the dead-letter topics and
       * claims-trigger's device dead letters. They hold what a sender sent, byte for byte (a refused
       * booking event carries the partner's driver reference: docs/privacy.md); the topics keep their
       * records 30 days (retention.ms), so the default ends the index's copy when the topic's ends.
       */
      DEAD_LETTER_RETENTION_DAYS: envInt(30, 1, 3_650),
      /** How often the retention job deletes dead letters past DEAD_LETTER_RETENTION_DAYS. */
      DEAD_LETTER_PURGE_INTERVAL_MS: envInt(3_600_000, 1_000, 86_400_000),
      /** claims-trigger's internal listener, where the console's claim actions go. */
      CLAIMS_TRIGGER_OPS_URL: z.string().url().default('http://127.0.0.1:3104'),
      /** Events kept for browsers that reconnect (resume with Last-Event-ID within this many). */
      LIVE_BUFFER_SIZE: envInt(20_000, 100, 1_000_000),
      /** How far back a (re)started console reads the public topics to fill the live stream. */
      LIVE_BACKFILL_MS: envInt(3_600_000, 0, 7 * 24 * 3_600_000),
      /** Origins the console is served from (e.g. https://ops.example.com); empty: the request's own Host. */
      OPS_CONSOLE_ORIGINS: envList(''),
      /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address; empty trusts none. */
      OPS_TRUST_PROXY: z.string().default(''),
      /** Sign-in attempts per minute (any outcome) from one address and for one user name; more get 429. */
      OPS_LOGIN_ATTEMPTS_PER_MIN: envInt(30, 1, 100_000),
      /** Failed sign-ins of one user name before it is locked. */
      OPS_LOGIN_MAX_FAILURES_PER_USER: envInt(5, 1, 1_000),
      /** Failed sign-ins from one client address (any user names) before it is locked. */
      OPS_LOGIN_MAX_FAILURES_PER_ADDRESS: envInt(20, 1, 100_000),
      /** First lockout; each further failure doubles it up to OPS_LOGIN_MAX_LOCK_MS. */
      OPS_LOGIN_LOCK_MS: envInt(60_000, 1_000, 86_400_000),
      OPS_LOGIN_MAX_LOCK_MS: envInt(3_600_000, 1_000, 7 * 86_400_000),
      /** A user or address with no failed sign-in for this long starts again from zero. */
      OPS_LOGIN_FAILURE_WINDOW_MS: envInt(900_000, 1_000, 7 * 86_400_000),
      /** Live streams one user may hold open (tabs); the next is refused with 429. */
      OPS_STREAMS_PER_USER: envInt(4, 1, 1_000),
      /** Live streams the console holds open in total; the next is refused with 503. */
      OPS_STREAMS_MAX: envInt(100, 1, 100_000),
      /** Bytes a stream may have waiting for a slow browser before it is dropped (the browser resumes). */
      OPS_STREAM_MAX_BUFFERED_BYTES: envInt(1_048_576, 16_384, 268_435_456),
    },
    env,
  );
export type OpsConsoleConfig = ReturnType<typeof loadOpsConsoleConfig>;
