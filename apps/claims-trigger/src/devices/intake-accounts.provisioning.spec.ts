import { describe, expect, it } from 'vitest';
import { loadClaimsTriggerConfig } from '../claims-trigger.config';
import { type BrokerAccount, DeviceAccounts, type DynamicSecurityClient, intakeClientId, intakeLoginOf, MAX_INTAKE_CONNECTIONS, MqttRoles } from '@kuruma/data-access-messaging';
import { createLogger, createServiceKit } from '@kuruma/service-kit';
import type { BrokerAdmin } from './broker-admin';
import { IntakeAccountsProvisioning } from './intake-accounts.provisioning';

const config = loadClaimsTriggerConfig({ MQTT_CLIENT_ID: 'intake', MQTT_SERVICE_PASSWORD: 'service-password-for-tests' });

/** The dynsec commands provisioning uses, on accounts kept in memory. */
function memoryBroker(accounts: (BrokerAccount & { password?: string })[]) {
  const byName = new Map(accounts.map((a) => [a.username, a]));
  const admin = {
    ensurePlatformRoles: async () => undefined,
    listAccounts: async () => [...byName.values()],
    ensureBoundClient: async (username: string, password: string, clientid: string, rolename: string, textdescription?: string) =>
      void byName.set(username, { username, password, clientid, roles: [rolename], textdescription }),
    command: async (command: string, args: { username: string; clientid: string }) => {
      const account = byName.get(args.username);
      if (command === 'modifyClient' && account) account.clientid = args.clientid;
      return {};
    },
  } as unknown as DynamicSecurityClient;
  const brokerAdmin = { client: async () => admin, deviceAccounts: async () => new DeviceAccounts(admin, config.MQTT_DEVICE_ACCOUNT_PREFIX) } as unknown as BrokerAdmin;
  return { byName, brokerAdmin };
}

describe(IntakeAccountsProvisioning.name, () => {
  const kit = createServiceKit('claims-trigger', 'silent', createLogger);

  it("gives every intake client id its own account bound to it, and binds older device accounts to their device id", async () => {
    const legacy = { username: 'gw-old', roles: [DeviceAccounts.roleOf('gw-old')] };
    const { byName, brokerAdmin } = memoryBroker([legacy]);
    await new IntakeAccountsProvisioning(brokerAdmin, config, kit).onApplicationBootstrap();

    for (const i of [0, 1, MAX_INTAKE_CONNECTIONS - 1]) {
      const clientId = intakeClientId('intake', i);
      expect(byName.get(clientId)).toMatchObject({ clientid: clientId, roles: [MqttRoles.platformService], password: intakeLoginOf(clientId, 'service-password-for-tests').password });
    }
    expect(byName.get('gw-old')?.clientid).toBe('gw-old');
  });

  it('lets the service start with the accounts of the last start when the broker cannot be administered', async () => {
    const brokerAdmin = { client: async () => Promise.reject(new Error('Connection refused: Not authorized')) } as unknown as BrokerAdmin;
    await expect(new IntakeAccountsProvisioning(brokerAdmin, config, kit).onApplicationBootstrap()).resolves.toBeUndefined();
  });
});
