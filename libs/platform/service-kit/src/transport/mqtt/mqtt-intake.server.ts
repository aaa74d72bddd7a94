import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { handlerFailureReason, intakeClientId, intakeLoginOf, isTransientFailure, MAX_INTAKE_CONNECTIONS, StuckWatch } from '@kuruma/data-access-messaging';
import { reportStuckSeconds } from '../shared/stuck-seconds';
import type { ServiceKit } from '../../service-kit.module';
import { awaitHandler } from '../shared/await-handler';
import { MQTT_INTAKE_TRANSPORT } from './mqtt-intake.pattern';
import { type MqttMessage, MqttMessageContext } from './mqtt-message';
import { MqttTopicFilter } from './mqtt-topic-filter';
import { listenWhenStarted } from '../shared/listen-when-started';
import { KeyedLanes } from './keyed-lanes';
import { PubackWindow } from './puback-window';

export interface MqttIntakeServerOptions {
  kit: ServiceKit;
  url: string;
  /** Each connection logs in with the account bound to its client id, password derived from this. */
  servicePassword: string;
  /** CA to trust for an mqtts:// url. */
  ca?: Buffer;
  /** Persistent-session client id of this instance; connection i uses `intakeClientId(clientId, i)`. */
  clientId: string;
  /** Share group of the subscriptions (`$share/<group>/<filter>`): the instances split the messages. */
  shareGroup: string;
  /** Connections in the share group, each with its own persistent session. */
  connections: number;
  /**
   * Messages the broker may have in flight on each connection, unacknowledged (MQTT 5 receive
   * maximum, default 100; the connection stops reading past it): they are applied concurrently.
   */
  receiveMaximum?: number;
  /** Readiness fails when a connection has been on one message longer than this. */
  stuckAfterMs: number;
  /** Failed attempts after which a message that keeps failing for its own reasons is dead-lettered (CONSUMER_MAX_ATTEMPTS). */
  maxAttempts: number;
  /**
   * Durably records a message its handler kept failing on (reason `handler-failed: ...`), so it can
   * be acknowledged; while this throws, the message is retried unacknowledged.
   */
  deadLetter: (message: MqttMessage, reason: string, attempts: number) => Promise<void>;
  /** Back-off between attempts: base doubling up to max (default 200 ms to 5 s). */
  retryDelay?: { baseMs: number; maxMs: number };
}

/** What mqtt.js's customHandleAcks hands back: 0 sends the PUBACK. */
export type MqttAck = (error: Error | number, code?: number) => void;

interface Route {
  filter: MqttTopicFilter;
  handler: MessageHandler;
  /** One device's messages one at a time, in arrival order (`@ConsumeMqttTopic(..., { ordered })`). */
  ordered: boolean;
}

/**
 * Passed to mqtt.js's `handleMessage` callback so that it reads on without sending the PUBACK: the
 * transport sends it itself once the message is durable (mqtt.js 5.16 skips its PUBACK when that
 * callback gets an error, and moves to the next packet).
 */
const ACK_LATER = new Error('acknowledged by the intake once applied');
/** A retiring session is closed after this long without a message. */
const DRAIN_QUIET_MS = 2_000;
/** mqtt.js's packet tracing, not wanted: see sessionOptions. */
const ignoreMqttTrace = (): void => undefined;
/** The consumer's name in `kuruma_consumer_stuck_seconds`. */
export const MQTT_INTAKE_CONSUMER = 'mqtt-intake';

/**
 * Nest transport for device messages over MQTT 5: persistent sessions and shared subscriptions, so
 * several instances (and several connections per instance) split the load and nothing is lost while
 * one is down. Each `@ConsumeMqttTopic` handler gets the messages of its filter: up to the receive
 * maximum of each connection at once, but (unless its pattern says `ordered: false`) one at a time
 * and in arrival order for each value of the filter's first wildcard (the device of `devices/+/crash`). A message is acknowledged (PUBACK) only
 * after its handler has resolved, in the order the connection received them: a crash before that
 * means the broker redelivers it. A failure that is an outage (isTransientFailure) is
 * retried unacknowledged for as long as it lasts; a message whose handler keeps failing for its own
 * reasons is dead-lettered after `maxAttempts`, while the service's dependencies answer, and then
 * acknowledged, so it cannot hold its connection for ever.
 */
export class MqttIntakeServer extends Server implements CustomTransportStrategy {
  override readonly transportId = MQTT_INTAKE_TRANSPORT;
  readonly progress: StuckWatch;
  private readonly log: Logger;
  private routeTable?: Route[];
  private readonly clients: MqttClient[] = [];
  private readonly connected = new Set<number>();
  private stopping = false;
  private retiring?: Promise<void>;
  private deliveries = 0;
  private readonly lanes = new KeyedLanes();

  constructor(private readonly options: MqttIntakeServerOptions) {
    super();
    this.progress = new StuckWatch(options.stuckAfterMs);
    this.log = options.kit.logger.child({ component: MQTT_INTAKE_CONSUMER });
  }

  listen(callback: (error?: unknown) => void): void {
    listenWhenStarted(() => this.start(), callback);
  }

  private async start(): Promise<void> {
    if (this.routes.length === 0) return;
    const { kit, connections, clientId, shareGroup } = this.options;
    reportStuckSeconds(kit, MQTT_INTAKE_CONSUMER, this.progress);
    await Promise.all(Array.from({ length: connections }, (_, i) => this.connect(i)));
    this.log.info({ clientId, group: shareGroup, connections, filters: this.routes.map((r) => r.filter.filter) }, 'mqtt intake subscribed');
    kit.health.register({ name: 'mqtt', check: () => this.check() });
    kit.shutdown.register(MQTT_INTAKE_CONSUMER, () => this.close(), 'consumers');
    this.retiring = this.retireOrphanedSessions().catch((error: Error) => this.log.warn({ err: error.message }, 'retiring orphaned intake sessions failed'));
  }

  /**
   * Applies one delivered message: finds its handler, awaits it, and acknowledges once it resolved or
   * the message was dead-lettered. A topic no handler consumes is acknowledged and dropped.
   */
  async receive(
    topic: string,
    payload: Buffer,
    ack: MqttAck,
    delivery: { clientId: string; messageId?: number; userProperties?: MqttMessage['userProperties']; receivedAt?: Date },
  ): Promise<void> {
    const receivedAt = delivery.receivedAt ?? new Date();
    const found = this.routeOf(topic);
    if (!found) {
      this.log.warn({ topic }, 'message on a topic no handler consumes; acknowledged and dropped');
      return ack(0);
    }
    const message: MqttMessage = { topic, params: found.params, payload, receivedAt, userProperties: delivery.userProperties };
    const lane = `mqtt ${topic} (delivery ${++this.deliveries})`;
    this.progress.begin(lane, `message id ${delivery.messageId ?? '?'}`);
    // Failures of the message's own making; outages do not count toward its limit.
    let failures = 0;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.dispatch(found.route, message, new MqttMessageContext([delivery.clientId, delivery.messageId, attempt]));
          return ack(0);
        } catch (error) {
          // Not acknowledged: the broker keeps it in the session and redelivers it after a restart.
          if (this.stopping) return;
          this.progress.failed(lane, error);
          const transient = isTransientFailure(error);
          if (!transient) failures += 1;
          if (!transient && failures >= this.options.maxAttempts && (await this.deadLettered(message, error, failures))) return ack(0);
          const { baseMs, maxMs } = this.options.retryDelay ?? { baseMs: 200, maxMs: 5_000 };
          const delay = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 5));
          this.log.warn({ err: error, topic, attempt, transient, failures, delay }, 'message not applied yet; retrying before acknowledging');
          await new Promise((resolve) => setTimeout(resolve, delay));
          if (this.stopping) return;
        }
      }
    } finally {
      this.progress.done(lane);
    }
  }

  /** The handlers Nest registered for this transport, each with its parsed filter. */
  private get routes(): Route[] {
    return (this.routeTable ??= [...this.getHandlers()].map(([pattern, handler]) => ({ filter: new MqttTopicFilter(pattern), handler, ordered: handler.extras?.['ordered'] !== false })));
  }

  private routeOf(topic: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      const params = route.filter.match(topic);
      if (params) return { route, params };
    }
    return undefined;
  }

  private dispatch(route: Route, message: MqttMessage, context: MqttMessageContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.onProcessingStartHook(this.transportId, context, () => awaitHandler(route.handler, message, context).then(resolve, reject));
    }).finally(() => this.onProcessingEndHook?.(this.transportId, context));
  }

  /**
   * Dead-letters a message that has failed `attempts` times, unless a dependency is down: then the
   * failures may be the outage after all (one the transient list does not know), and it is retried.
   */
  private async deadLettered(message: MqttMessage, error: unknown, attempts: number): Promise<boolean> {
    if (!(await this.options.kit.health.dependenciesHealthy())) {
      this.log.warn({ topic: message.topic, attempts }, 'message keeps failing while a dependency is down; not blaming the message');
      return false;
    }
    const reason = handlerFailureReason(error);
    try {
      await this.options.deadLetter(message, reason, attempts);
    } catch (failure) {
      this.log.warn({ err: failure, topic: message.topic }, 'could not dead-letter the message; retrying it');
      return false;
    }
    this.log.warn({ topic: message.topic, attempts, reason }, 'message kept failing; dead-lettered and acknowledged');
    return true;
  }

  private get filters(): string[] {
    return this.routes.map((r) => `$share/${this.options.shareGroup}/${r.filter.filter}`);
  }

  /** MQTT 5 with a persistent session (7 days), as every intake connection and its retirement use. */
  private sessionOptions(clientId: string): IClientOptions {
    const o = this.options;
    return {
      clientId,
      ...intakeLoginOf(clientId, o.servicePassword),
      ...(o.ca ? { ca: o.ca } : {}),
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 7 * 24 * 3600, receiveMaximum: o.receiveMaximum ?? 100 },
      connectTimeout: 5_000,
      // mqtt-packet otherwise pre-builds a Buffer for each of the 65,536 packet ids on the first
      // packet (13 MB resident); the intake writes PUBACKs, for which allocating two bytes is nothing.
      writeCache: false,
      // mqtt.js traces every packet through `debug`, whose per-call enabled check was 2 % of the
      // intake's CPU under a telemetry flood; the transport logs what an operator needs itself.
      log: ignoreMqttTrace,
    };
  }

  private async connect(i: number): Promise<void> {
    const clientId = intakeClientId(this.options.clientId, i);
    const filters = this.filters;
    const client = mqtt.connect(this.options.url, {
      ...this.sessionOptions(clientId),
      // Back quickly after a broker restart: until we resubscribe, the broker has no subscriber.
      reconnectPeriod: 250,
      // Connected once the handler below is in place: a persistent session delivers at once.
      manualConnect: true,
    });
    const limit = this.options.receiveMaximum ?? 100;
    let window = new PubackWindow((messageId) => this.sendPuback(client, messageId), limit);
    // mqtt.js hands over one message at a time and waits for its PUBACK before reading the next, so
    // one slow transaction would hold the whole connection: the transport takes each message,
    // lets mqtt.js read on, and sends the PUBACKs itself, in order, as the messages become durable.
    client.handleMessage = (packet, callback) => {
      if (packet.qos === 1 && packet.messageId !== undefined) this.accept(packet, window.open(packet.messageId), { clientId, messageId: packet.messageId });
      // Backpressure: past the receive maximum, mqtt.js reads nothing more until acknowledgements
      // make room (the broker should not send more, but a flood here would end in an OOM).
      window.whenRoom(() => callback(ACK_LATER));
    };
    client.on('close', () => {
      this.connected.delete(i);
      // Acknowledgements still to come belong to this connection only: the broker redelivers.
      window.discard();
      window = new PubackWindow((messageId) => this.sendPuback(client, messageId), limit);
    });
    // Mosquitto 2.0 does not restore a persistent session's shared subscriptions after a broker
    // restart (the session comes back, the $share subscription does not; verified against 2.0.11),
    // and mqtt.js resubscribes only when no session is present: so subscribe again on every
    // reconnect. Subscribing to the same filter again is harmless for the session's queue.
    let first = true;
    client.on('connect', () => {
      this.connected.add(i);
      // Nagle off, as Mosquitto's side is (`set_tcp_nodelay`): a PUBACK written while the previous
      // one is unacknowledged would otherwise wait for the broker's delayed ACK, and with it every
      // alert the broker holds back for the same reason. mqtt.js opens a new socket per connect.
      (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
      if (first) return;
      client.subscribe(filters, { qos: 1 }, (err) => err && this.log.error({ err: err.message, clientId }, 'mqtt resubscribe failed'));
    });
    client.on('error', (err) => this.log.warn({ err: err.message, clientId }, 'mqtt error'));
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error) => {
        client.end(true);
        reject(error);
      };
      client.once('connect', () => {
        client.off('error', failed);
        resolve();
      });
      client.once('error', failed);
      client.connect();
    });
    first = false;
    this.clients.push(client);
    await client.subscribeAsync(filters, { qos: 1 });
  }

  /** A delivered message, applied in its device's lane; `acknowledge` queues its PUBACK. */
  private accept(packet: IPublishPacket, acknowledge: () => void, connection: { clientId: string; messageId: number }): void {
    // Left unacknowledged: the broker keeps it in the session for the next start.
    if (this.stopping) return;
    // Its latency starts now, waiting behind the device's earlier messages included.
    const delivery = { ...connection, userProperties: packet.properties?.userProperties, receivedAt: new Date() };
    const topic = packet.topic;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const apply = () =>
      this.receive(topic, payload, (code) => code === 0 && acknowledge(), delivery).catch((error: unknown) => this.log.error({ err: error, topic }, 'mqtt message not applied; left to the broker'));
    const found = this.routeOf(topic);
    if (found && !found.route.ordered) return void apply();
    void this.lanes.run(found?.params[0] ?? topic, apply);
  }

  /** PUBACK through mqtt.js's own packet writer (not public API; mqtt is pinned at 5.16.0 for it). */
  private sendPuback(client: MqttClient, messageId: number): void {
    if (!client.connected) return;
    (client as unknown as { _sendPacket(packet: object): void })._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 });
  }

  /**
   * A persistent session stays in the share group while it is offline, and the broker keeps
   * handing it a share of the messages (Mosquitto queues them for its return; that is what makes a
   * killed instance lose nothing). After the connection count is lowered, the sessions of the
   * connections no longer opened would hold their share until the session expires. So at start
   * every id beyond the configured count is taken over once: its shared subscriptions dropped, the
   * messages already queued for it applied like any other, and the session ended.
   */
  private async retireOrphanedSessions(): Promise<void> {
    const o = this.options;
    let retired = 0;
    for (let i = Math.max(1, o.connections); i < MAX_INTAKE_CONNECTIONS && !this.stopping; i++) {
      const clientId = intakeClientId(o.clientId, i);
      let lastMessageAt = Date.now();
      const client = mqtt.connect(o.url, {
        ...this.sessionOptions(clientId),
        reconnectPeriod: 0,
        customHandleAcks: (topic, payload, packet, ack) => {
          lastMessageAt = Date.now();
          void this.receive(topic, payload, ack, { clientId, messageId: packet.messageId, userProperties: packet.properties?.userProperties });
        },
      });
      const connack = await new Promise<{ sessionPresent?: boolean }>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
      });
      if (connack.sessionPresent === true) {
        await client.unsubscribeAsync(this.filters);
        while (Date.now() - lastMessageAt < DRAIN_QUIET_MS && !this.stopping) await new Promise((r) => setTimeout(r, 250));
        retired += 1;
      }
      // Session expiry 0 on DISCONNECT ends the session at the broker; when shutting down mid-drain
      // the session stays, with what is left in it, for the next start.
      await client.endAsync(false, this.stopping ? {} : { reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
    }
    if (retired) this.log.info({ retired }, 'retired orphaned intake sessions (their queued messages applied)');
  }

  /** Readiness: every connection up, and none stuck on one message past `stuckAfterMs`. */
  async check(): Promise<void> {
    if (this.connected.size < this.options.connections) throw new Error(`mqtt intake: ${this.connected.size}/${this.options.connections} connections up`);
    this.progress.check();
  }

  /** Stops taking messages (also done by the ordered drain; idempotent); unacknowledged ones stay with the broker. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.retiring;
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync()));
  }

  on(): never {
    throw new Error('MqttIntakeServer has no events to listen to; its state is in /health/ready and the metrics');
  }

  unwrap<T>(): T {
    return this.clients as T;
  }
}
