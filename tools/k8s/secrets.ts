/**
 * The Secrets the manifests reference and never contain: an operator creates them (or a secret
 * manager syncs them) before applying; infra/k8s/README.md lists the commands. Strimzi's User
 * Operator creates one more per KafkaUser (named after the principal, key `password`).
 */
export const SECRETS = {
  /** `url`: postgresql://... for the services (DML on the platform's tables). */
  database: 'kuruma-database',
  /** `url`: postgresql://... of a role that may change the schema; only the migration Job reads it. */
  migrator: 'kuruma-database-migrator',
  /** `url`: redis://... (rediss:// in production). */
  redis: 'kuruma-redis',
  /** `cursor-key` (API_CURSOR_KEY), `metrics-token` (METRICS_TOKEN). */
  api: 'kuruma-api',
  /** `admin-password`, `service-password` of the MQTT broker's dynamic security. */
  mqtt: 'kuruma-mqtt',
  /** `admin-password`, `session-secret`, `service-token`, `identity-key` of the ops console. */
  ops: 'kuruma-ops',
  /** `api-key`, `webhook-secret` of the seeded demo partner (production refuses the published ones). */
  demoPartner: 'kuruma-demo-partner',
  /** `pseudonym-key` (DRIVER_PSEUDONYM_KEY): the HMAC key of drivers' pseudonyms (docs/privacy.md). */
  drivers: 'kuruma-drivers',
} as const;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
export const literal = (name: string, value: string | number): EnvVar => ({ name, value: String(value) });
