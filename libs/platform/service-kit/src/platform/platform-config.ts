import type { BusinessClockSettings } from '@kuruma/config';
import type { KafkaAuth } from '@kuruma/data-access-messaging';

/**
 * What the platform providers read from a service's parsed configuration (every service config
 * from `loadServiceConfig` has these).
 */
export interface PlatformConfig {
  SERVICE: string;
  LOG_LEVEL: string;
  METRICS_TOKEN?: string;
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  REDIS_URL: string;
  REDIS_COMMAND_TIMEOUT_MS: number;
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_NAMESPACE: string;
  KAFKA_GROUP_PREFIX: string;
  KAFKA_SECURITY_PROTOCOL: KafkaAuth['securityProtocol'];
  KAFKA_SASL_MECHANISM: KafkaAuth['saslMechanism'];
  KAFKA_SSL_CA_FILE: string;
  KAFKA_USERNAME: string;
  KAFKA_PASSWORD: string;
  OUTBOX_RETENTION_HOURS: number;
  CONSUMER_STUCK_AFTER_MS: number;
  CONSUMER_MAX_ATTEMPTS: number;
  CONSUMER_COMMIT_INTERVAL_MS: number;
  KAFKA_TOPIC_REDISCOVER_MS?: number;
  /** Where to export spans over OTLP/HTTP (from OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT), or none. */
  OTLP_TRACES_URL?: string;
  /** Real, or simulated when BUSINESS_CLOCK_* are set (refused in production). */
  BUSINESS_CLOCK?: BusinessClockSettings;
}
