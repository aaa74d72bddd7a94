/**
 * `npx tsx tools/devices/publish-alert.cli.ts --credentials creds.json --channel crash|lock|trip --payload '{...}' [--ca ca.crt]`:
 * what a gateway does, from a shell. `creds.json` is the answer of `PUT /v1/devices/{id}`; the
 * alert goes to the broker address in it (mqtts:// for devices), trusting `--ca` when given (the
 * development CA: infra/local/.state/mosquitto/tls/ca.crt).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DeviceCredentialsV1 } from '@kuruma/contracts';
import { connectGateway, publishAlert } from '../harness';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { credentials: { type: 'string' }, channel: { type: 'string', default: 'crash' }, payload: { type: 'string' }, ca: { type: 'string' }, url: { type: 'string' } },
  });
  const channel = values.channel;
  if (!values.credentials || !values.payload || (channel !== 'crash' && channel !== 'lock' && channel !== 'trip')) {
    console.error('usage: publish-alert.cli.ts --credentials creds.json --channel crash|lock|trip --payload JSON [--ca ca.crt] [--url mqtts://host:port]');
    process.exit(2);
  }
  const creds = JSON.parse(readFileSync(values.credentials, 'utf8')) as DeviceCredentialsV1;
  const client = await connectGateway(creds.mqtt, { caFile: values.ca, url: values.url });
  // Credentials issued before the trip channel name only crash and lock; the topic follows the same pattern.
  const topics: Partial<DeviceCredentialsV1['mqtt']['topics']> = creds.mqtt.topics;
  const topic = topics[channel] ?? `devices/${creds.deviceId}/${channel}`;
  const delivery = await publishAlert(client, topic, values.payload);
  console.log(`published to ${topic} after ${delivery.attempts} attempt(s)`);
  await client.endAsync();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
