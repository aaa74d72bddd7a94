import { DeviceAccounts, DynamicSecurityClient } from '@kuruma/data-access-messaging';

export interface BrokerAdminOptions {
  url: string;
  username: string;
  password: string;
  ca?: Buffer;
  deviceAccountPrefix: string;
}

/**
 * claims-trigger's dynsec admin connection, opened on first use. When it cannot be opened or has
 * lost its login (broker down, admin password changed) the caller gets the error - device
 * registration answers 503 - and the next call tries afresh; nothing else in the service depends
 * on it, so the intake, the claims API and the consumers keep running.
 */
export class BrokerAdmin {
  private admin?: Promise<DynamicSecurityClient>;

  constructor(private readonly options: BrokerAdminOptions) {}

  async client(): Promise<DynamicSecurityClient> {
    const current = this.admin;
    if (current) {
      const client = await current.catch(() => undefined);
      if (client?.connected) return client;
      if (this.admin === current) this.admin = undefined;
      await client?.close().catch(() => undefined);
    }
    const o = this.options;
    const opening = (this.admin ??= DynamicSecurityClient.connect(o.url, o.username, o.password, o.ca ? { ca: o.ca } : {}));
    opening.catch(() => this.admin === opening && (this.admin = undefined));
    return opening;
  }

  async deviceAccounts(): Promise<DeviceAccounts> {
    return new DeviceAccounts(await this.client(), this.options.deviceAccountPrefix);
  }

  async close(): Promise<void> {
    const client = await this.admin?.catch(() => undefined);
    await client?.close();
  }
}
