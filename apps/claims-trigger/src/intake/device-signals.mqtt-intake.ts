import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { intakeClientId, intakeLoginOf, MAX_INTAKE_CONNECTIONS, type StuckWatch } from '@kuruma/data-access-messaging';
import type { HandleDeviceSignalUseCase, SignalOutcome } from './handle-device-signal.use-case';

export interface MqttIntakeOptions {
  url: string;
  /** Each connection logs in with the account bound to its client id, password derived from this. */
  servicePassword: string;
  /** CA to trust for an mqtts:// url. */
  ca?: Buffer;
  clientId: string;
  shareGroup: string;
  /** Connections in the share group; each carries its own persistent session (`clientId-i`). */
  connections: number;
}

const TOPIC = /^devices\/([^/]+)\/(crash|lock)$/;
/** A retiring session is closed after this long without a message. */
const DRAIN_QUIET_MS = 2_000;

/**
 * Device messages in over MQTT 5 with a persistent session and a shared subscription, so several
 * instances split the load and nothing is lost while one is down. A message is acknowledged
 * (PUBACK) only after its effect is committed: a crash before that means the broker redelivers.
 */
export class DeviceSignalsMqttIntake {
  private readonly clients: MqttClient[] = [];
  private readonly connected = new Set<number>();
  private stopping = false;
  private retiring?: Promise<void>;
  constructor(
    private readonly options: MqttIntakeOptions,
    private readonly useCase: HandleDeviceSignalUseCase,
    private readonly logger: Logger,
    private readonly onOutcome: (outcome: SignalOutcome, ms: number) => void,
    /** Messages in flight and since when: one that never applies makes the intake not ready. */
    private readonly progress: StuckWatch,
  ) {}

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.connections }, (_, i) => this.connect(i)));
    this.logger.info({ clientId: this.options.clientId, group: this.options.shareGroup, connections: this.options.connections }, 'mqtt intake subscribed');
    this.retiring = this.retireOrphanedSessions().catch((error: Error) => this.logger.warn({ err: error.message }, 'retiring orphaned intake sessions failed'));
  }

  /**
   * A persistent session stays in the share group while it is offline, and the broker keeps
   * handing it a share of the alerts (Mosquitto queues them for its return; that is what makes a
   * killed instance lose nothing). After MQTT_INTAKE_CONNECTIONS is lowered, the sessions of the
   * connections no longer opened would hold their share until the session expires. So at start
   * every id beyond the configured count is taken over once: its shared subscriptions dropped, the
   * alerts already queued for it applied like any other, and the session ended.
   */
  private async retireOrphanedSessions(): Promise<void> {
    const o = this.options;
    let retired = 0;
    for (let i = Math.max(1, o.connections); i < MAX_INTAKE_CONNECTIONS && !this.stopping; i++) {
      let lastMessageAt = Date.now();
      const client = mqtt.connect(o.url, {
        ...this.sessionOptions(this.clientIdOf(i)),
        reconnectPeriod: 0,
        customHandleAcks: (topic, message, packet, done) => {
          lastMessageAt = Date.now();
          void this.process(topic, message, done, packet.messageId);
        },
      });
      const connack = await new Promise<{ sessionPresent?: boolean }>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
      });
      const present = connack.sessionPresent === true;
      if (present) {
        await client.unsubscribeAsync(this.filters);
        while (Date.now() - lastMessageAt < DRAIN_QUIET_MS && !this.stopping) await new Promise((r) => setTimeout(r, 250));
        retired += 1;
      }
      // Session expiry 0 on DISCONNECT ends the session at the broker; when shutting down mid-drain
      // the session stays, with what is left in it, for the next start.
      await client.endAsync(false, this.stopping ? {} : { reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
    }
    if (retired) this.logger.info({ retired }, 'retired orphaned intake sessions (their queued alerts applied)');
  }

  private clientIdOf(i: number): string {
    return intakeClientId(this.options.clientId, i);
  }

  private get filters(): string[] {
    const group = this.options.shareGroup;
    return [`$share/${group}/devices/+/crash`, `$share/${group}/devices/+/lock`];
  }

  /** MQTT 5 with a persistent session (7 days), as every intake connection and its retirement use. */
  private sessionOptions(clientId: string) {
    const o = this.options;
    return {
      clientId,
      ...intakeLoginOf(clientId, o.servicePassword),
      ...(o.ca ? { ca: o.ca } : {}),
      protocolVersion: 5 as const,
      clean: false,
      properties: { sessionExpiryInterval: 7 * 24 * 3600, receiveMaximum: 100 },
      connectTimeout: 5_000,
    };
  }

  private async connect(i: number): Promise<void> {
    const clientId = this.clientIdOf(i);
    const filters = this.filters;
    const client = await mqtt.connectAsync(this.options.url, {
      ...this.sessionOptions(clientId),
      // Back quickly after a broker restart: until we resubscribe, the broker has no subscriber.
      reconnectPeriod: 250,
      customHandleAcks: (topic, message, packet, done) => void this.process(topic, message, done, packet.messageId),
    });
    this.clients.push(client);
    this.connected.add(i);
    // Mosquitto 2.0 does not restore a persistent session's shared subscriptions after a broker
    // restart (the session comes back, the $share subscription does not; verified against 2.0.11),
    // and mqtt.js resubscribes only when no session is present: so subscribe again on every
    // reconnect. Subscribing to the same filter again is harmless for the session's queue.
    client.on('connect', () => {
      this.connected.add(i);
      client.subscribe(filters, { qos: 1 }, (err) => err && this.logger.error({ err: err.message, clientId }, 'mqtt resubscribe failed'));
    });
    client.on('close', () => this.connected.delete(i));
    client.on('error', (err) => this.logger.warn({ err: err.message, clientId }, 'mqtt error'));
    await client.subscribeAsync(filters, { qos: 1 });
  }

  private deliveries = 0;

  /**
   * Bad data never throws here: the use case dead-letters it (schema, implausible time, or data
   * the database refuses) and the message is acknowledged. What throws is a dependency away; the
   * message is retried unacknowledged, and past CONSUMER_STUCK_AFTER_MS readiness says so.
   */
  private async process(topic: string, message: Buffer, done: (error: Error | number, code?: number) => void, messageId?: number): Promise<void> {
    const match = TOPIC.exec(topic);
    if (!match) return done(0);
    const started = Date.now();
    const lane = `mqtt ${topic} (delivery ${++this.deliveries})`;
    this.progress.begin(lane, `message id ${messageId ?? '?'}`);
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const outcome = await this.useCase.execute(match[1], match[2] as 'crash' | 'lock', message);
          this.onOutcome(outcome, Date.now() - started);
          return done(0);
        } catch (error) {
          // Not acknowledged: keep retrying (the database is away); if we stop, the broker redelivers.
          if (this.stopping) return;
          this.progress.failed(lane, error);
          const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
          this.logger.warn({ err: error, topic, attempt, delay }, 'device signal not applied yet; retrying before acknowledging');
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      this.progress.done(lane);
    }
  }

  async check(): Promise<void> {
    if (this.connected.size < this.options.connections) throw new Error(`mqtt intake: ${this.connected.size}/${this.options.connections} connections up`);
    this.progress.check();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.retiring;
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
