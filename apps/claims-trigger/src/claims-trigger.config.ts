import { z } from 'zod';
import { checkMqttAccountNames, envInt, envPort, loadServiceConfig, mqttVars, opsServiceVars } from '@kuruma/config';

export const loadClaimsTriggerConfig = (env?: NodeJS.ProcessEnv) => {
  const config = loadServiceConfig(
    'claims-trigger',
    3004,
    {
      ...mqttVars,
      /** Persistent-session client id of this instance (unique per instance). */
      MQTT_CLIENT_ID: z.string().default('kuruma-claims-trigger-1'),
      /** MQTT connections of this instance in the shared subscription, each with its own persistent session. */
      MQTT_INTAKE_CONNECTIONS: envInt(16, 1, 64),
      /**
       * Unacknowledged messages the broker may have in flight on each intake connection (MQTT 5
       * receive maximum; Mosquitto's max_inflight_messages caps it too). They are applied
       * concurrently, one at a time per device, and written by group commit, so this bounds how
       * many signals share a transaction; messages waiting here are memory the collector keeps
       * scanning: with 32 a message outlived a scavenge or two and was promoted, and garbage
       * collection took a third of the intake's CPU under a telemetry flood; 16 cut its CPU per
       * message by a fifth (docs/benchmarks.md, the device path).
       */
      MQTT_INTAKE_RECEIVE_MAXIMUM: envInt(16, 1, 1_000),
      /** Public address devices connect to (returned with their credentials): the TLS listener. */
      MQTT_PUBLIC_URL: z.string().default('mqtts://127.0.0.1:8884'),
      /** Public address of the listener for devices with a client certificate (returned with it). */
      MQTT_PUBLIC_X509_URL: z.string().default('mqtts://127.0.0.1:8885'),
      /** Device CA (PEM certificate and key files) that signs device certificates; both empty: none are issued. */
      MQTT_DEVICE_CA_CERT_FILE: z.string().default(''),
      MQTT_DEVICE_CA_KEY_FILE: z.string().default(''),
      /** How long an issued device certificate is valid. */
      DEVICE_CERT_VALIDITY_DAYS: envInt(365, 1, 825),
      CRASH_MAJOR_G: z.coerce.number().positive().default(2.5),
      CRASH_MINOR_G: z.coerce.number().positive().default(1.5),
      CRASH_MAJOR_DELTA_V_KMH: z.coerce.number().positive().default(25),
      CRASH_ROLLOVER_DEG: z.coerce.number().positive().default(60),
      /** Signals from one vehicle within this window join one claim (Navixy de-duplicates within 1 min). */
      ACCIDENT_WINDOW_MS: envInt(60_000, 0, 3_600_000),
      /**
       * Alerts (crash, and lock alerts that are not telemetry) each device may send per second to
       * this instance's claim transactions, and the burst above it; past it they are dead-lettered
       * as `rate-limited`. A gateway sends a few a minute (docs/devices.md, limits); the defaults
       * leave the bench's 10 a second per gateway alone and cap one device at a fraction of the intake.
       */
      DEVICE_ALERT_RATE_PER_S: envInt(20, 1, 100_000),
      DEVICE_ALERT_BURST: envInt(200, 1, 1_000_000),
      /** Device clocks may run ahead this much; beyond it a signal is implausible and dead-lettered. */
      MAX_FUTURE_SKEW_MS: envInt(300_000, 0, 86_400_000),
      /**
       * Alerts may arrive this long after their occurredAt: a gateway offline for days still
       * reports its crash. Older ones are implausible (a reset clock, a replay) and dead-lettered.
       */
      MAX_SIGNAL_LATENESS_MS: envInt(7 * 86_400_000, 60_000, 90 * 86_400_000),
      ...opsServiceVars,
      /**
       * Internal listener for the ops console's calls: the only place OPS_SERVICE_TOKEN is
       * accepted. Bind it to an interface partners cannot reach.
       */
      CLAIMS_TRIGGER_OPS_HOST: z.string().default('127.0.0.1'),
      CLAIMS_TRIGGER_OPS_PORT: envPort(3104),
    },
    env,
  );
  checkMqttAccountNames(config);
  return config;
};
export type ClaimsTriggerConfig = ReturnType<typeof loadClaimsTriggerConfig>;
