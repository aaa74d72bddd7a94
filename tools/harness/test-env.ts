import { join, resolve } from 'node:path';
import { KafkaPrincipals } from '@kuruma/contracts';
import { devKafkaPassword, loadStackConfig } from '@kuruma/config';
import type { KafkaAuth } from '@kuruma/data-access-messaging';

/**
 * The test run's own corner of the shared infrastructure: its own database, topic namespace,
 * consumer groups and Redis database, so `npm test` never touches a developer's running stack.
 */
const PORT_BASE = Number(process.env['TEST_PORT_BASE'] ?? 13000);
const STATE_DIR = resolve(process.env['STACK_STATE_DIR'] || resolve(__dirname, '../../infra/local/.state'));
/** The broker's transport and the admin's and demo partner's credentials, as the stack scripts use them. */
const stack = loadStackConfig(process.env);

export const TEST_ENV: Record<string, string> = {
  APP_ENV: 'test',
  LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
  DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test',
  // Every node of the stack's cluster (KAFKA_CLUSTER_SIZE=3: three addresses from the first).
  KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
  KAFKA_TOPIC_NAMESPACE: process.env['TEST_TOPIC_NAMESPACE'] ?? 'test.',
  KAFKA_GROUP_PREFIX: process.env['TEST_GROUP_PREFIX'] ?? 'test',
  REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15',
  MQTT_URL: process.env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1884',
  // Devices are pointed at the TLS listeners of the stack's Mosquitto (MQTT_TLS_PORT, MQTT_X509_PORT,
  // as stack.config), and device certificates come from the stack's development device CA.
  MQTT_PUBLIC_URL: `mqtts://127.0.0.1:${process.env['MQTT_TLS_PORT'] ?? 8884}`,
  MQTT_PUBLIC_X509_URL: `mqtts://127.0.0.1:${process.env['MQTT_X509_PORT'] ?? 8885}`,
  MQTT_DEVICE_CA_CERT_FILE: join(STATE_DIR, 'mosquitto/tls/device-ca.crt'),
  MQTT_DEVICE_CA_KEY_FILE: join(STATE_DIR, 'mosquitto/tls/device-ca.key'),
  BOOKING_GAP_TIMEOUT_MS: '3000',
  OPS_EXTRA_USERS: 'viewer:viewer-password:viewer,handler:handler-password:claims-handler,actuary:actuary-password:actuary,actuary2:actuary2-password:actuary',
  // Test ports stay clear of a developer's running platform (3000-3004).
  OPS_CONSOLE_PORT: String(PORT_BASE),
  BOOKING_INGEST_PORT: String(PORT_BASE + 1),
  PRICING_PORT: String(PORT_BASE + 2),
  POLICY_PORT: String(PORT_BASE + 3),
  CLAIMS_TRIGGER_PORT: String(PORT_BASE + 4),
  CLAIMS_TRIGGER_URL: `http://127.0.0.1:${PORT_BASE + 4}`,
  // claims-trigger's internal listener for the console's claim actions (never the partner port).
  CLAIMS_TRIGGER_OPS_PORT: String(PORT_BASE + 5),
  CLAIMS_TRIGGER_OPS_URL: `http://127.0.0.1:${PORT_BASE + 5}`,
  PARTNER_WEBHOOKS_PORT: String(PORT_BASE + 6),
  // Webhook retries within seconds (production: 5 s up to 24 h over three days) so an outage test need not wait.
  WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000',
  WEBHOOK_POLL_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
  // Its own MQTT session and share group: a developer's running claims-trigger keeps its own.
  MQTT_CLIENT_ID: `${process.env['TEST_GROUP_PREFIX'] ?? 'test'}-claims-trigger-1`,
  MQTT_SHARE_GROUP: `${process.env['TEST_GROUP_PREFIX'] ?? 'test'}-claims-trigger`,
  ACCIDENT_WINDOW_MS: '60000',
  // Late returns are checked every second (production: 15 s) so the test need not wait.
  LATE_RETURN_INTERVAL_MS: '1000',
  // Extend cover that ends within an hour (production: 2 minutes), so a test booking can reach
  // the one-hour billing minimum and its extension still costs something.
  LATE_RETURN_LEAD_MS: '3600000',
};

/** Where the services under test are built (separate trees let parallel runs not collide). */
export const DIST_DIR = process.env['KURUMA_DIST_DIR'] ?? 'dist';
/** Which apps the test setup builds (all by default). */
export const BUILD_APPS = (process.env['TEST_BUILD_APPS'] ?? '').split(',').filter(Boolean);

export const testTopic = (base: string): string => `${TEST_ENV['KAFKA_TOPIC_NAMESPACE']}${base}`;
export const DEMO_API_KEY = 'demo-partner-api-key-change-me';
export const DEMO_WEBHOOK_SECRET = 'whsec_ZGVtby1wYXJ0bmVyLXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==';

/** Credentials of one principal (a service's, a partner's) over the stack's transport. */
export const kafkaAuthAs = (username: string, password = devKafkaPassword(username)): KafkaAuth => ({
  securityProtocol: stack.KAFKA_SECURITY_PROTOCOL,
  saslMechanism: stack.KAFKA_SASL_MECHANISM,
  sslCaFile: stack.KAFKA_SSL_CA_FILE,
  username,
  password,
});
export const ADMIN_KAFKA_AUTH = kafkaAuthAs(stack.KAFKA_ADMIN_USER, stack.KAFKA_ADMIN_PASSWORD);
export const DEMO_KAFKA_AUTH = kafkaAuthAs(KafkaPrincipals.partner('demo'), stack.DEMO_PARTNER_KAFKA_PASSWORD);
/** A second partner, provisioned by the test setup, for the isolation tests. */
export const RIVAL_PARTNER_ID = 'rival';
export const RIVAL_KAFKA_AUTH = kafkaAuthAs(KafkaPrincipals.partner(RIVAL_PARTNER_ID));
