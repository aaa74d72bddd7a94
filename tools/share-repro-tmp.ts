// Does Mosquitto 2.0.11 restore a persistent session's SHARED subscription after a restart?
import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import { DynamicSecurityClient } from '@kuruma/data-access-messaging';
import { ensureStack, stopStack } from '../infra/local/stack-control';

async function main() {
  const url = 'mqtt://127.0.0.1:1884';
  const admin = await DynamicSecurityClient.connect(url, 'kuruma-admin', 'kuruma-admin-dev-password');
  const dev = `repro-${randomUUID().slice(0, 6)}`;
  await admin.createDeviceClient(dev, 'repro-password-123');
  await admin.close?.();
  const subId = `repro-sub-${randomUUID().slice(0, 6)}`;
  const got: string[] = [];
  const connectSub = async () => {
    const c = await mqtt.connectAsync(url, { clientId: subId, username: 'kuruma-claims-trigger', password: 'kuruma-service-dev-password', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 0, resubscribe: false });
    c.on('message', (_t, m) => got.push(m.toString()));
    return c;
  };
  let sub = await connectSub();
  await sub.subscribeAsync(`$share/repro/devices/${dev}/crash`, { qos: 1 });
  await sub.endAsync();
  await stopStack(['mosquitto']);
  await ensureStack();
  const pub = await mqtt.connectAsync(url, { clientId: dev, username: dev, password: 'repro-password-123', protocolVersion: 5 });
  await pub.publishAsync(`devices/${dev}/crash`, 'after-restart-while-sub-offline', { qos: 1 });
  sub = await connectSub();
  await new Promise((r) => setTimeout(r, 1500));
  await pub.publishAsync(`devices/${dev}/crash`, 'after-sub-reconnected', { qos: 1 });
  await new Promise((r) => setTimeout(r, 1500));
  console.log('sessionPresent-based delivery, received:', got);
  await sub.endAsync(); await pub.endAsync();
  process.exit(0);
}
main();
