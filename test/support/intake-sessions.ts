import mqtt from 'mqtt';
import { loadStackConfig } from '@kuruma/config';
import { TEST_ENV } from './test-env';

/**
 * More than any MQTT_INTAKE_CONNECTIONS a run uses, so a lowered setting leaves nothing behind. The
 * ids follow claims-trigger's intake (DeviceSignalsMqttIntake.clientIdOf, MAX_CONNECTIONS there).
 */
const MAX_INTAKE_CONNECTIONS = 64;

/**
 * Ends the persistent MQTT sessions of this run's claims-trigger intake (`MQTT_CLIENT_ID`,
 * `-1`, `-2`, ...) and what they queued. Between runs those offline sessions keep collecting
 * every device alert published on the shared broker (a bench, the simulator, a developer's
 * gateways), and a test's alert would then wait behind thousands of strangers' ones.
 */
export async function discardIntakeSessions(): Promise<void> {
  const stack = loadStackConfig();
  const base = TEST_ENV['MQTT_CLIENT_ID'];
  const ids = Array.from({ length: MAX_INTAKE_CONNECTIONS }, (_, i) => (i === 0 ? base : `${base}-${i}`));
  await Promise.all(
    ids.map(async (clientId) => {
      // Clean start drops the stored session and its queue; expiry 0 leaves none behind.
      const client = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], {
        clientId,
        username: stack.MQTT_SERVICE_USER,
        password: stack.MQTT_SERVICE_PASSWORD,
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
