import { z } from 'zod';
import { DEV_DEFAULT_SECRETS } from './service.config';
import { ConfigError, envInt } from './parse-env';

/** Variable groups the services pick from (see .env.example for each one's meaning). */
export const demoPartnerVars = {
  DEMO_PARTNER_API_KEY: z.string().min(16).default(DEV_DEFAULT_SECRETS.DEMO_PARTNER_API_KEY),
  DEMO_PARTNER_WEBHOOK_SECRET: z.string().startsWith('whsec_').default(DEV_DEFAULT_SECRETS.DEMO_PARTNER_WEBHOOK_SECRET),
};

/** The demo partner's Kafka principal `partner.demo`: seed provisions it; the simulator and tests publish as it. */
export const demoPartnerKafkaVars = {
  DEMO_PARTNER_KAFKA_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.DEMO_PARTNER_KAFKA_PASSWORD),
};

export const mqttVars = {
  MQTT_URL: z.string().default('mqtt://127.0.0.1:1884'),
  MQTT_ADMIN_USER: z.string().min(1).default('kuruma-admin'),
  MQTT_ADMIN_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.MQTT_ADMIN_PASSWORD),
  /** Secret each intake connection's own password is derived from (one account per client id). */
  MQTT_SERVICE_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.MQTT_SERVICE_PASSWORD),
  /** Device accounts are `{prefix}{deviceId}` (username and client id); no other account may start with it. */
  MQTT_DEVICE_ACCOUNT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:@-]{2,32}$/, 'must be 2-32 letters, digits or . _ : @ -')
    .default('device:'),
  /** CA certificate (PEM file) to trust for an mqtts:// MQTT_URL; empty: the system's CAs. */
  MQTT_CA_FILE: z.string().default(''),
  /** Shared-subscription group, so several claims-trigger instances split the device traffic. */
  MQTT_SHARE_GROUP: z.string().default('claims-trigger'),
};

export const opsVars = {
  OPS_ADMIN_USER: z.string().min(1).default('admin'),
  OPS_ADMIN_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.OPS_ADMIN_PASSWORD),
  OPS_SESSION_SECRET: z.string().min(32).default(DEV_DEFAULT_SECRETS.OPS_SESSION_SECRET),
  /** Extra local accounts as user:password:role, comma separated. */
  OPS_EXTRA_USERS: z.string().default(''),
};

/** What the ops console and claims-trigger share to act on claims for a signed-in ops user. */
export const opsServiceVars = {
  /** Proves a call comes from the ops console; accepted only on claims-trigger's internal listener. */
  OPS_SERVICE_TOKEN: z.string().min(16).default(DEV_DEFAULT_SECRETS.OPS_SERVICE_TOKEN),
  /** HMAC key for the signed, short-lived {actor, role, action} the console sends with each call. */
  OPS_IDENTITY_KEY: z.string().min(32).default(DEV_DEFAULT_SECRETS.OPS_IDENTITY_KEY),
};

/** The key of drivers' pseudonyms, for every process that turns a partner's driver reference into one (docs/privacy.md). */
export const driverPseudonymVars = {
  /**
   * HMAC key of the drivers' pseudonyms (partner + driver reference). The same in booking-ingest
   * (which replaces the reference at acceptance), pricing (quotes), the ops console (search by
   * reference) and `npm run driver:erase`; changing it orphans every driver's history (it cannot
   * be re-linked), which is also how to unlink all of it at once.
   */
  DRIVER_PSEUDONYM_KEY: z.string().min(32).default(DEV_DEFAULT_SECRETS.DRIVER_PSEUDONYM_KEY),
};

/** Drivers' pseudonyms and how long their driving data is kept (docs/privacy.md). */
export const driverDataVars = {
  ...driverPseudonymVars,
  /** Trip summaries are deleted this many days after the trip ended. */
  DRIVING_TRIP_RETENTION_DAYS: envInt(365, 1, 3650),
  /** A booking's link to its pseudonymous driver (their covered hours) is deleted this many days after it was priced. */
  DRIVER_BOOKING_RETENTION_DAYS: envInt(1095, 1, 3650),
  /** How often the retention job runs. */
  DRIVER_DATA_PURGE_INTERVAL_MS: envInt(3_600_000, 1_000, 86_400_000),
};

export const bookingOrderingVars = {
  /** How long an event ahead of a sequence gap waits for the gap to fill before it is applied. */
  BOOKING_GAP_TIMEOUT_MS: envInt(30_000, 100, 3_600_000),
};

/**
 * Device accounts are named `{MQTT_DEVICE_ACCOUNT_PREFIX}{deviceId}`. An admin or service account
 * inside that namespace could be taken over by registering a device, and an intake account (named
 * after its client id, `MQTT_CLIENT_ID` and `MQTT_CLIENT_ID-{i}`) that is the admin's would have
 * the admin's password reset at start: both are refused before anything connects.
 */
export function checkMqttAccountNames(config: { MQTT_DEVICE_ACCOUNT_PREFIX: string; MQTT_ADMIN_USER: string; MQTT_CLIENT_ID?: string }): void {
  const prefix = config.MQTT_DEVICE_ACCOUNT_PREFIX;
  const problems: string[] = [];
  if (config.MQTT_ADMIN_USER.startsWith(prefix)) problems.push(`MQTT_ADMIN_USER: must not start with the device account prefix "${prefix}"`);
  const clientId = config.MQTT_CLIENT_ID;
  if (clientId !== undefined) {
    if (clientId.startsWith(prefix)) problems.push(`MQTT_CLIENT_ID: must not start with the device account prefix "${prefix}"`);
    const suffix = config.MQTT_ADMIN_USER.startsWith(`${clientId}-`) ? config.MQTT_ADMIN_USER.slice(clientId.length + 1) : undefined;
    if (config.MQTT_ADMIN_USER === clientId || (suffix !== undefined && /^[1-9][0-9]?$/.test(suffix))) {
      problems.push(`MQTT_CLIENT_ID: the intake's accounts (${clientId}, ${clientId}-1, ...) must not include MQTT_ADMIN_USER`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
}
