import { BaseRpcContext } from '@nestjs/microservices';

/** One MQTT message as a `@ConsumeMqttTopic` handler receives it (`@Payload()`). */
export interface MqttMessage {
  /** The topic it was published on (`devices/gw-1/crash`). */
  readonly topic: string;
  /** What the pattern's wildcards matched, in order (`['gw-1']` for `devices/+/crash`). */
  readonly params: readonly string[];
  /** The payload byte for byte: handlers validate it, and dead letters keep it unchanged. */
  readonly payload: Buffer;
  /** When this instance received it (the start of its latency, retries included). */
  readonly receivedAt: Date;
  /** Its MQTT v5 user properties (a `traceparent` among them), when it had any. */
  readonly userProperties?: Readonly<Record<string, string | string[]>>;
}

type Args = [clientId: string, messageId: number | undefined, attempt: number];

/** Where a message came in (`@Ctx()`): the intake connection's client id, the packet id and which attempt this is. */
export class MqttMessageContext extends BaseRpcContext<Args> {
  getClientId(): string {
    return this.args[0];
  }

  getMessageId(): number | undefined {
    return this.args[1];
  }

  /** 1 on the first try; higher while the message is retried unacknowledged. */
  getAttempt(): number {
    return this.args[2];
  }
}
