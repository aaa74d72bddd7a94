/**
 * `npx tsx tools/devices/publish-alert.cli.ts --credentials creds.json --channel crash --payload '{...}' [--ca ca.crt]`:
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
  if (!values.credentials || !values.payload || !['crash', 'lock'].includes(values.channel ?? '')) {
    console.error('usage: publish-alert.cli.ts --credentials creds.json --channel crash|lock --payload JSON [--ca ca.crt] [--url mqtts://host:port]');
    process.exit(2);
  }
  const creds = JSON.parse(readFileSync(values.credentials, 'utf8')) as DeviceCredentialsV1;
  const client = await connectGateway(creds.mqtt, { caFile: values.ca, url: values.url });
  const topic = values.channel === 'lock' ? creds.mqtt.topics.lock : creds.mqtt.topics.crash;
  const delivery = await publishAlert(client, topic, values.payload);
  console.log(`published to ${topic} after ${delivery.attempts} attempt(s)`);
  await client.endAsync();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
