import { z } from 'zod';
import { DEV_DEFAULT_SECRETS } from './service.config';
import { envInt } from './parse-env';

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
  MQTT_ADMIN_USER: z.string().default('kuruma-admin'),
  MQTT_ADMIN_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.MQTT_ADMIN_PASSWORD),
  MQTT_SERVICE_USER: z.string().default('kuruma-claims-trigger'),
  MQTT_SERVICE_PASSWORD: z.string().min(8).default(DEV_DEFAULT_SECRETS.MQTT_SERVICE_PASSWORD),
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

export const bookingOrderingVars = {
  /** How long an event ahead of a sequence gap waits for the gap to fill before it is applied. */
  BOOKING_GAP_TIMEOUT_MS: envInt(30_000, 100, 3_600_000),
};
