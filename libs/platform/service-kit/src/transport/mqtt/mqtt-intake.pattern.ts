import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { RethrowRpcErrors } from '../shared/rethrow-rpc-errors.filter';
import { MqttTopicFilter } from './mqtt-topic-filter';

/** Transport id of {@link MqttIntakeServer}: the Kafka transport never sees its patterns, nor it Kafka's. */
export const MQTT_INTAKE_TRANSPORT = Symbol.for('kuruma.transport.mqtt-intake');

/** How a `@ConsumeMqttTopic` handler takes its messages. */
export interface MqttTopicOptions {
  /**
   * Apply the messages of one device (the filter's first wildcard) one at a time, in arrival order
   * (default true). False where the handler's effect does not depend on order (an upsert that keeps
   * the newest observation): then a device's messages are applied concurrently too.
   */
  ordered?: boolean;
}

/**
 * A controller method that applies each QoS 1 message of an MQTT topic filter (`+` and `#`
 * wildcards): `@ConsumeMqttTopic('devices/+/crash') apply(@Payload() message: MqttMessage)`. The
 * message is acknowledged (PUBACK) only after the method resolves; a rejection retries it.
 */
export function ConsumeMqttTopic(filter: string, options: MqttTopicOptions = {}): MethodDecorator {
  // Checked here, so a mistyped filter fails when the app is built rather than never matching.
  new MqttTopicFilter(filter);
  return applyDecorators(EventPattern(filter, MQTT_INTAKE_TRANSPORT, { ordered: options.ordered ?? true }), UseFilters(RethrowRpcErrors));
}
