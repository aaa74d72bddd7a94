import mqtt from 'mqtt';
import { loadStackConfig } from '@kuruma/config';
import { DynamicSecurityClient, intakeClientIds, intakeLoginOf, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { TEST_ENV } from './test-env';

/**
 * Ends the persistent MQTT sessions of this run's claims-trigger intake (`MQTT_CLIENT_ID`,
 * `-1`, `-2`, ... every id the intake may use) and what they queued. Between runs those offline
 * sessions keep collecting every device alert published on the shared broker (a bench, the
 * simulator, a developer's gateways), and a test's alert would then wait behind thousands of
 * strangers' ones. Each id has an account of its own, bound to it: provisioned here first, as
 * claims-trigger does at start, since the broker may be fresh.
 */
export async function discardIntakeSessions(): Promise<void> {
  const stack = loadStackConfig();
  const ids = intakeClientIds(TEST_ENV['MQTT_CLIENT_ID']);
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
