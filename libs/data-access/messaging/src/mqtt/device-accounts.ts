import { MqttRoles, type BrokerAccount, type DynamicSecurityClient } from './dynamic-security.client';

/** What a device uses to connect: its account's username, and the one client id that account accepts. */
export interface DeviceLogin {
  username: string;
  clientId: string;
}

/**
 * Device accounts live in their own namespace: username and client id are `{prefix}{deviceId}`,
 * a prefix no service or admin account may start with (the configuration refuses that at start).
 * So a device id can never name, and registration can never rotate, anyone else's account; and
 * because each account is bound to its client id, a device cannot connect as another client and
 * take over that client's persistent session (the intake's, another device's).
 */
export class DeviceAccounts {
  constructor(
    private readonly admin: DynamicSecurityClient,
    private readonly prefix: string,
  ) {}

  static loginOf(prefix: string, deviceId: string): DeviceLogin {
    return { username: `${prefix}${deviceId}`, clientId: `${prefix}${deviceId}` };
  }

  /** Each device has a role of its own (Mosquitto 2.0's dynsec does not expand `%u` in ACL topics). */
  static roleOf(deviceId: string): string {
    return `${MqttRoles.device}:${deviceId}`;
  }

  /**
   * Why this device id may not be registered, if it may not: the prefixed username, or the bare id
   * (accounts from before the namespace, such as the admin or a service), belongs to an account
   * that is not this device's.
   */
  async conflict(deviceId: string): Promise<string | undefined> {
    const login = DeviceAccounts.loginOf(this.prefix, deviceId);
    const prefixed = await this.admin.getAccount(login.username);
    if (prefixed && !this.isDeviceAccount(prefixed, deviceId)) return `MQTT account ${login.username} exists and is not a device account`;
    const bare = await this.admin.getAccount(deviceId);
    if (bare && !this.isDeviceAccount(bare, deviceId)) return `device id ${deviceId} names an MQTT account that is not a device`;
    return undefined;
  }

  /**
   * Creates the device's account (or sets a new password on it), allowed to publish only under
   * `devices/{deviceId}/#`. An account of the same device from before the namespace (username =
   * bare id, not bound to a client id) is removed, so it cannot be used to take sessions over.
   */
  async provision(deviceId: string, password: string): Promise<DeviceLogin> {
    const login = DeviceAccounts.loginOf(this.prefix, deviceId);
    const role = DeviceAccounts.roleOf(deviceId);
    await this.admin.ensureRole(role, [{ acltype: 'publishClientSend', topic: `devices/${deviceId}/#`, allow: true }]);
    await this.admin.ensureBoundClient(login.username, password, login.clientId, role);
    const bare = await this.admin.getAccount(deviceId);
    if (bare && this.isDeviceAccount(bare, deviceId)) await this.admin.deleteClient(deviceId);
    return login;
  }

  /**
   * Device accounts from before the namespace (username = bare device id, no client id bound) keep
   * working for their gateways, which connect with the device id as client id, but get bound to it,
   * so none can open another client's session. Returns how many were bound.
   */
  async bindLegacyAccounts(): Promise<number> {
    const legacy = (await this.admin.listAccounts()).filter((a) => !a.clientid && this.isDeviceAccount(a, a.username));
    for (const account of legacy) await this.admin.command('modifyClient', { username: account.username, clientid: account.username });
    return legacy.length;
  }

  /**
   * Deletes the device's account (dynamic security disconnects a session logged in with it), its
   * account from before the namespace if it still has one, and its role. Absent ones are skipped,
   * so a repeated removal is harmless.
   */
  async remove(deviceId: string): Promise<void> {
    await this.admin.deleteClient(DeviceAccounts.loginOf(this.prefix, deviceId).username);
    const bare = await this.admin.getAccount(deviceId);
    if (bare && this.isDeviceAccount(bare, deviceId)) await this.admin.deleteClient(deviceId);
    await this.admin.deleteRole(DeviceAccounts.roleOf(deviceId));
  }

  private isDeviceAccount(account: BrokerAccount, deviceId: string): boolean {
    return account.roles.length > 0 && account.roles.every((r) => r === DeviceAccounts.roleOf(deviceId));
  }
}
