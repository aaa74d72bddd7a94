import { present } from '@kuruma/contracts';
import { randomUUID } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;
const ANSWER_TIMEOUT_MS = 5_000;

interface DynsecResponse {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

/** A broker account as dynamic security stores it (passwords are never readable). */
export interface BrokerAccount {
  username: string;
  /** Set: the account can connect only with this client id. */
  clientid?: string;
  roles: string[];
  /** Free text the platform keeps on its own accounts (a tag of the secret the password comes from). */
  textdescription?: string;
}

type DynsecClient = { username: string; clientid?: string; textdescription?: string; roles?: { rolename: string }[] };
const toAccount = (c: DynsecClient): BrokerAccount => ({ username: c.username, clientid: c.clientid || undefined, roles: (c.roles ?? []).map((r) => r.rolename), textdescription: c.textdescription });

/** Roles the platform relies on in the broker. */
export const MqttRoles = {
  /** Prefix of each device's own role (`kuruma-device:{deviceId}`). */
  device: 'kuruma-device',
  /** The claims-trigger intake accounts: subscribe to every device channel. */
  platformService: 'kuruma-platform-service',
} as const;

/**
 * Administers Mosquitto's dynamic-security plugin over MQTT, so credentials are added or rotated
 * at runtime and take effect at once, without a broker restart.
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

  /**
   * Connects as the dynsec admin. Fails (and stops retrying) when the broker is away or refuses the
   * login; once connected it reconnects by itself, and a lost login shows as `connected === false`
   * and commands that time out, never as an unhandled error that would end the process.
   */
  static async connect(url: string, username: string, password: string, tls: Pick<IClientOptions, 'ca'> = {}): Promise<DynamicSecurityClient> {
    const client = mqtt.connect(url, {
      ...tls,
      username,
      password,
      clientId: `kuruma-dynsec-${randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      reconnectPeriod: 1_000,
      connectTimeout: ANSWER_TIMEOUT_MS,
      // No pre-built Buffer per packet id (13 MB resident in claims-trigger): a few commands a minute.
      writeCache: false,
    });
    client.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`MQTT admin connection to ${url} timed out`)), ANSWER_TIMEOUT_MS);
        client.once('connect', () => (clearTimeout(timer), resolve()));
        client.once('error', (error) => (clearTimeout(timer), reject(error)));
      });
      await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    } catch (error) {
      client.end(true);
      throw error;
    }
    return new DynamicSecurityClient(client);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Sends one command; resolves with its response, or rejects with the broker's error or after 5 s. */
  async command(command: string, args: Record<string, unknown> = {}, allowErrors: string[] = []): Promise<DynsecResponse> {
    const correlationData = randomUUID();
    const response = new Promise<DynsecResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationData);
        reject(new Error(`dynamic-security ${command} got no answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(correlationData, { resolve, reject, timer });
    });
    // Not awaited: while the connection is down mqtt.js holds the publish, and the answer timeout
    // above is what bounds the wait.
    this.client.publishAsync(CONTROL_TOPIC, JSON.stringify({ commands: [{ command, correlationData, ...args }] }), { qos: 1 }).catch(() => undefined);
    const result = await response;
    if (result.error && !allowErrors.some((e) => (result.error ?? '').includes(e))) {
      throw new Error(`dynamic-security ${command} failed: ${result.error}`);
    }
    return result;
  }

  /** Creates or updates a role with exactly these ACLs (no change, and no broker write, when it has them). */
  async ensureRole(rolename: string, acls: { acltype: string; topic: string; allow: boolean; priority?: number }[]): Promise<void> {
    await this.command('createRole', { rolename }, ['already exists']);
    const existing = (await this.command('getRole', { rolename })).data as { role?: { acls?: { acltype: string; topic: string; allow: boolean }[] } };
    const key = (a: { acltype: string; topic: string; allow: boolean }) => `${a.acltype} ${a.topic} ${a.allow}`;
    const have = (existing.role?.acls ?? []).map(key).sort();
    if (have.length === acls.length && have.join('\n') === acls.map(key).sort().join('\n')) return;
    for (const acl of existing.role?.acls ?? []) await this.command('removeRoleACL', { rolename, acltype: acl.acltype, topic: acl.topic }, ['not found']);
    for (const acl of acls) await this.command('addRoleACL', { rolename, priority: 0, ...acl });
  }

  /** The account with this username, or null when there is none. */
  async getAccount(username: string): Promise<BrokerAccount | null> {
    const response = await this.command('getClient', { username }, ['not found']);
    if (response.error) return null;
    const { client } = response.data as { client?: DynsecClient };
    return client ? toAccount(client) : null;
  }

  /**
   * Creates the account bound to `clientid` with exactly this one role, or sets its password and
   * binding when it already is such an account. An account that holds any other role is not ours
   * to change: refused, so a name clash can never hand out another account's rights.
   */
  async ensureBoundClient(username: string, password: string, clientid: string, rolename: string, textdescription?: string): Promise<void> {
    const created = await this.command('createClient', { username, password, clientid, textdescription, roles: [{ rolename }] }, ['already exists']);
    if (!created.error) return;
    const existing = await this.getAccount(username);
    if (existing && existing.roles.some((r) => r !== rolename)) {
      throw new Error(`MQTT account ${username} exists with other roles (${existing.roles.join(', ')}); refusing to take it over`);
    }
    await this.command('setClientPassword', { username, password });
    if (existing?.clientid !== clientid || existing?.textdescription !== textdescription) await this.command('modifyClient', { username, clientid, textdescription });
    if (!existing?.roles.includes(rolename)) await this.command('addClientRole', { username, rolename });
  }

  /** Every account, with its binding and roles. */
  async listAccounts(): Promise<BrokerAccount[]> {
    const { data } = await this.command('listClients', { verbose: true, count: -1, offset: 0 });
    return ((data as { clients?: DynsecClient[] }).clients ?? []).map(toAccount);
  }

  async deleteClient(username: string): Promise<void> {
    await this.command('deleteClient', { username }, ['not found']);
  }

  async deleteRole(rolename: string): Promise<void> {
    await this.command('deleteRole', { rolename }, ['not found']);
  }

  /** The platform's roles: devices confined to their own topics, the service reading all devices. */
  async ensurePlatformRoles(): Promise<void> {
    await this.ensureRole(MqttRoles.platformService, [
      { acltype: 'subscribePattern', topic: 'devices/+/crash', allow: true },
      { acltype: 'subscribePattern', topic: 'devices/+/lock', allow: true },
      { acltype: 'subscribePattern', topic: 'devices/+/trip', allow: true },
      { acltype: 'subscribePattern', topic: 'devices/#', allow: true },
      // Shared subscriptions are checked with their $share/{group}/ prefix in Mosquitto 2.0.
      { acltype: 'subscribePattern', topic: '$share/+/devices/+/crash', allow: true },
      { acltype: 'subscribePattern', topic: '$share/+/devices/+/lock', allow: true },
      { acltype: 'subscribePattern', topic: '$share/+/devices/+/trip', allow: true },
      { acltype: 'publishClientReceive', topic: 'devices/#', allow: true },
    ]);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
