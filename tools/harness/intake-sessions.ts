import mqtt from 'mqtt';
import { loadStackConfig } from '@kuruma/config';
import { DynamicSecurityClient, intakeClientIds, intakeLoginOf, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { instanceMqttClientId } from '../../infra/local/service-runtime';
import { TEST_ENV } from './test-env';

/** Instances whose sessions are ended: the bench runs up to 4 of each service (`--instances`), the chaos run and e2e tests 2. */
const INSTANCES = 4;

/**
 * Ends the persistent MQTT sessions of this run's claims-trigger intake (`MQTT_CLIENT_ID`,
 * `-1`, `-2`, ... every id the intake may use, of every instance a run may have started) and what
 * they queued. An extra instance's sessions left behind stay in the share group and take their
 * share of every later run's alerts (half of them, after a run with two instances: the bench of
 * 2026-12-02 03:07 saw 1,000 of 2,000 crash alerts and 40,000 of 80,000 lock messages). Between runs those offline
 * sessions keep collecting every device alert published on the shared broker (a bench, the
 * simulator, a developer's gateways), and a test's alert would then wait behind thousands of
 * strangers' ones. Each id has an account of its own, bound to it: provisioned here first, as
 * claims-trigger does at start, since the broker may be fresh.
 */
export async function discardIntakeSessions(): Promise<void> {
  const stack = loadStackConfig();
  const ids = Array.from({ length: INSTANCES }, (_, k) => intakeClientIds(instanceMqttClientId(TEST_ENV['MQTT_CLIENT_ID'] as string, k))).flat();
  const admin = await DynamicSecurityClient.connect(TEST_ENV['MQTT_URL'], stack.MQTT_ADMIN_USER, stack.MQTT_ADMIN_PASSWORD);
  try {
    await provisionIntakeAccounts(admin, ids, stack.MQTT_SERVICE_PASSWORD);
  } finally {
    await admin.close();
  }
  await Promise.all(
    ids.map(async (clientId) => {
      // Clean start drops the stored session and its queue; expiry 0 leaves none behind.
      const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], {
        clientId,
        ...intakeLoginOf(clientId, stack.MQTT_SERVICE_PASSWORD),
        protocolVersion: 5,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        properties: { sessionExpiryInterval: 0 },
      });
      await client.endAsync();
    }),
  );
}
