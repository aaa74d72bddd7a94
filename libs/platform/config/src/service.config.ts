import { z } from 'zod';
import { envInt, envList, envPort, parseEnv } from './parse-env';
import { DefaultKafkaPrincipals, devKafkaPassword, kafkaClientVars, kafkaProductionProblems } from './kafka.config';
import { type BusinessClockSettings, businessClockVars, parseBusinessClock } from './business-clock.config';

/** Development defaults that production must never run with (they are published in .env.example). */
export const DEV_DEFAULT_SECRETS = {
  DEMO_PARTNER_API_KEY: 'demo-partner-api-key-change-me',
  DEMO_PARTNER_WEBHOOK_SECRET: 'whsec_ZGVtby1wYXJ0bmVyLXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==',
  OPS_ADMIN_PASSWORD: 'admin-change-me',
  MQTT_ADMIN_PASSWORD: 'kuruma-admin-dev-password',
  MQTT_SERVICE_PASSWORD: 'kuruma-service-dev-password',
  OPS_SESSION_SECRET: 'dev-session-secret-change-me-0123456789abcdef',
  OPS_SERVICE_TOKEN: 'dev-ops-service-token-change-me',
  OPS_IDENTITY_KEY: 'dev-ops-identity-key-change-me-0123456789abcdef',
  API_CURSOR_KEY: 'dev-api-cursor-key-change-me-0123456789abcdef',
  DRIVER_PSEUDONYM_KEY: 'dev-driver-pseudonym-key-change-me-0123456789abcdef',
  // Each service's own KAFKA_PASSWORD default is derived from its principal (kafkaProductionProblems).
  KAFKA_ADMIN_PASSWORD: devKafkaPassword(DefaultKafkaPrincipals.admin),
  DEMO_PARTNER_KAFKA_PASSWORD: devKafkaPassword('partner.demo'),
} as const;

/** OTLP/HTTP endpoints: `z.url()` alone would take `collector:4318` as a URL of scheme "collector". */
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;

const base = {
  APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
  DATABASE_POOL_SIZE: envInt(8, 1, 200),
  KAFKA_BROKERS: envList('127.0.0.1:9092'),
  /** Prefix for every topic name; empty in production so public names stay exact. */
  KAFKA_TOPIC_NAMESPACE: z.string().regex(/^[a-z0-9._-]*$/).default(''),
  /** Prefix for consumer group ids, so a test run never steals a developer's offsets. */
  KAFKA_GROUP_PREFIX: z.string().regex(/^[a-z0-9._-]*$/).default('kuruma'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  /**
   * How long a Redis command may go unanswered before it fails (as an outage: retried, never counted
   * against a record). Without it a Redis that accepts connections but stops answering would hold
   * every caller for ever: an alert transaction with its vehicle lock and pool connection, a pricing
   * chunk, an HTTP request.
   */
  REDIS_COMMAND_TIMEOUT_MS: envInt(2_000, 50, 60_000),
  /**
   * How long published outbox rows are kept (their event ids guard against a re-enqueue and they
   * show what was sent); older ones are deleted in small batches by the relay.
   */
  OUTBOX_RETENTION_HOURS: envInt(168, 2, 24 * 365),
  /**
   * A Kafka partition or MQTT intake connection on the same record for longer than this reports
   * not ready (naming where) and shows in kuruma_consumer_stuck_seconds: bad data is dead-lettered
   * at once, so this means a dependency has been failing or hanging that long.
   */
  CONSUMER_STUCK_AFTER_MS: envInt(120_000, 1_000, 86_400_000),
  /**
   * Failed attempts after which a Kafka record or MQTT message that keeps failing for a reason of
   * its own goes to its dead-letter topic (or table) so its partition or connection moves on.
   * Outages (database, broker, Redis unreachable) never count: those are retried for as long as they last.
   */
  CONSUMER_MAX_ATTEMPTS: envInt(5, 1, 1_000),
  /**
   * How long a Kafka consumer's applied offsets may wait to be committed together. Off the path of
   * every record (fetching goes on); longer means fewer OffsetCommit requests at low rates and
   * more records redelivered after a crash, which the inboxes drop. 0 commits after every chunk.
   */
  CONSUMER_COMMIT_INTERVAL_MS: envInt(100, 0, 5_000),
  /**
   * Bearer token /metrics asks for when set; required in production, where the figures (partner
   * volumes, error rates, internal names) are not for the public.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Requests per second each partner may make to the partner APIs (a token bucket per partner). */
  PARTNER_RATE_LIMIT_PER_S: envInt(1_000, 1, 1_000_000),
  /** Burst a partner may send above that rate before answers turn to 429. */
  PARTNER_RATE_LIMIT_BURST: envInt(2_000, 1, 10_000_000),
  /**
   * HMAC key of the partner lists' page cursors (GET /v1/policies, /v1/claims): a cursor is good only
   * for the partner and query it was issued to. The same value on every instance of a service.
   */
  API_CURSOR_KEY: z.string().min(32).default(DEV_DEFAULT_SECRETS.API_CURSOR_KEY),
  /**
   * An OTLP/HTTP collector (its base URL: /v1/traces is appended) to export a span per hop to.
   * Unset (and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT unset): no spans, and no tracing SDK loaded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().regex(HTTP_URL, 'must be an http(s) URL').optional(),
  /** The collector's full traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().regex(HTTP_URL, 'must be an http(s) URL').optional(),
  ...businessClockVars,
};

/** Where spans go (OTLP/HTTP, JSON), or undefined when no collector is configured: the OpenTelemetry variables' own precedence. */
export function otlpTracesUrl(config: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string }): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** Each service authenticates to Kafka as its own principal, `service.<name>` (see kafka.config.ts). */
type KafkaClientShape = ReturnType<typeof kafkaClientVars>;

/**
 * Parses a service's environment once at start-up. Production refuses the published development
 * secrets, so a forgotten variable cannot ship a known password.
 */
export function loadServiceConfig<E extends z.ZodRawShape>(
  service: string,
  defaultPort: number,
  extra: E,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<typeof base & KafkaClientShape & E & { PORT: ReturnType<typeof envPort> }>> & { SERVICE: string; OTLP_TRACES_URL?: string; BUSINESS_CLOCK: BusinessClockSettings } {
  const portVariable = `${service.toUpperCase().replace(/-/g, '_')}_PORT`;
  const schema = z.object({ ...base, ...kafkaClientVars(DefaultKafkaPrincipals.service(service)), ...extra, PORT: envPort(defaultPort) });
  const withPort = { ...env, PORT: env[portVariable] ?? env['PORT'] };
  const parsed = parseEnv(schema, withPort) as Record<string, unknown>;
  // NODE_ENV counts as well as APP_ENV: a simulated clock must not slip into production under either name.
  const businessClock = parseBusinessClock({ ...(parsed as Record<string, string | undefined>), NODE_ENV: env['NODE_ENV'] });
  if (parsed['APP_ENV'] === 'production') {
    const offenders = Object.keys(DEV_DEFAULT_SECRETS).filter((name) => isDevDefaultSecret(name, parsed[name]));
    if (offenders.length) {
      throw new Error(`Refusing to start in production with development defaults for: ${offenders.join(', ')}`);
    }
    if (!parsed['METRICS_TOKEN']) throw new Error('Refusing to start in production without METRICS_TOKEN: /metrics would be public');
    const kafka = kafkaProductionProblems(parsed as Parameters<typeof kafkaProductionProblems>[0]);
    if (kafka.length) throw new Error(`Refusing to start in production: ${kafka.join('; ')}`);
  }
  return { ...parsed, SERVICE: service, OTLP_TRACES_URL: otlpTracesUrl(parsed), BUSINESS_CLOCK: businessClock } as never;
}

/**
 * Whether `value` is a published development secret, or one only trimmed or re-cased: an operator
 * who pastes " Admin-Change-Me " has not chosen a secret either. The values are compared as the
 * published strings, so a secret that merely contains one is still allowed.
 */
export function isDevDefaultSecret(name: string, value: unknown): boolean {
  const published = (DEV_DEFAULT_SECRETS as Record<string, string>)[name];
  return published !== undefined && typeof value === 'string' && value.trim().toLowerCase() === published.toLowerCase();
}
