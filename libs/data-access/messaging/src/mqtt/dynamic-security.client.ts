import { present } from '@kuruma/contracts';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

interface DynsecResponse {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

/** Roles the platform relies on in the broker. */
export const MqttRoles = {
  /** Prefix of each device's own role (`kuruma-device:{deviceId}`). */
  device: 'kuruma-device',
  /** The claims-trigger service account: subscribes to every device channel. */
  platformService: 'kuruma-platform-service',
} as const;

/**
 * Administers Mosquitto's dynamic-security plugin over MQTT, so device credentials are added or
 * rotated at runtime and take effect at once, without a broker restart.
 */
export class DynamicSecurityClient {
  private readonly pending = new Map<string, { resolve: (r: DynsecResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      if (topic !== RESPONSE_TOPIC) return;
      const { responses } = JSON.parse(payload.toString('utf8')) as { responses: DynsecResponse[] };
      for (const response of responses) {
        const waiter = response.correlationData ? this.pending.get(response.correlationData) : undefined;
        if (!waiter) continue;
        clearTimeout(waiter.timer);
        this.pending.delete(present(response.correlationData, 'correlation data'));
        waiter.resolve(response);
      }
    });
  }

  static async connect(url: string, username: string, password: string): Promise<DynamicSecurityClient> {
    const client = await mqtt.connectAsync(url, {
      username,
      password,
      clientId: `kuruma-dynsec-${randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
    });
    await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    return new DynamicSecurityClient(client);
  }

  /** Sends one command; resolves with its response, or rejects with the broker's error. */
  async command(command: string, args: Record<string, unknown> = {}, allowErrors: string[] = []): Promise<DynsecResponse> {
    const correlationData = randomUUID();
    const response = new Promise<DynsecResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationData);
        reject(new Error(`dynamic-security ${command} got no answer within 5 s`));
      }, 5_000);
      this.pending.set(correlationData, { resolve, reject, timer });
    });
    await this.client.publishAsync(CONTROL_TOPIC, JSON.stringify({ commands: [{ command, correlationData, ...args }] }), { qos: 1 });
    const result = await response;
    if (result.error && !allowErrors.some((e) => (result.error ?? '').includes(e))) {
      throw new Error(`dynamic-security ${command} failed: ${result.error}`);
    }
    return result;
  }

  /** Creates or updates a role with exactly these ACLs. */
  async ensureRole(rolename: string, acls: { acltype: string; topic: string; allow: boolean; priority?: number }[]): Promise<void> {
    await this.command('createRole', { rolename }, ['already exists']);
    const existing = (await this.command('getRole', { rolename })).data as { role?: { acls?: { acltype: string; topic: string }[] } };
    for (const acl of existing.role?.acls ?? []) await this.command('removeRoleACL', { rolename, acltype: acl.acltype, topic: acl.topic }, ['not found']);
    for (const acl of acls) await this.command('addRoleACL', { rolename, priority: 0, ...acl });
  }

  /** Creates the client with this password and role, or resets the password if it exists. */
  async ensureClient(username: string, password: string, rolename: string): Promise<void> {
    const created = await this.command('createClient', { username, password, roles: [{ rolename }] }, ['already exists']);
    if (created.error) {
      await this.command('setClientPassword', { username, password });
      const existing = (await this.command('getClient', { username })).data as { client?: { roles?: { rolename: string }[] } };
      if (!existing.client?.roles?.some((r) => r.rolename === rolename)) await this.command('addClientRole', { username, rolename });
    }
  }

  /**
   * A device's credentials: username = deviceId, with a role of its own that allows publishing
   * only under `devices/{deviceId}/#`. (Mosquitto 2.0's dynamic-security plugin does not expand
   * `%u` in ACL topics, so one shared role cannot pin each device to its own topics.)
   */
  async createDeviceClient(deviceId: string, password: string): Promise<void> {
    const role = `${MqttRoles.device}:${deviceId}`;
    await this.ensureRole(role, [{ acltype: 'publishClientSend', topic: `devices/${deviceId}/#`, allow: true }]);
    await this.ensureClient(deviceId, password, role);
  }

  async deleteDevice(deviceId: string): Promise<void> {
    await this.deleteClient(deviceId);
    await this.command('deleteRole', { rolename: `${MqttRoles.device}:${deviceId}` }, ['not found']);
  }

  async ensureServiceClient(username: string, password: string): Promise<void> {
    await this.ensureClient(username, password, MqttRoles.platformService);
  }

  async deleteClient(username: string): Promise<void> {
    await this.command('deleteClient', { username }, ['not found']);
  }

  /** The platform's roles: devices confined to their own topics, the service reading all devices. */
  async ensurePlatformRoles(): Promise<void> {
    await this.ensureRole(MqttRoles.platformService, [
      { acltype: 'subscribePattern', topic: 'devices/+/crash', allow: true },
      { acltype: 'subscribePattern', topic: 'devices/+/lock', allow: true },
      { acltype: 'subscribePattern', topic: 'devices/#', allow: true },
      // Shared subscriptions are checked with their $share/{group}/ prefix in Mosquitto 2.0.
      { acltype: 'subscribePattern', topic: '$share/+/devices/+/crash', allow: true },
      { acltype: 'subscribePattern', topic: '$share/+/devices/+/lock', allow: true },
      { acltype: 'publishClientReceive', topic: 'devices/#', allow: true },
    ]);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
