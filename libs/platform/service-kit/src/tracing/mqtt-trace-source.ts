import { TRACEPARENT, TRACESTATE } from '@kuruma/data-access-messaging';
import type { MqttMessage } from '../transport/mqtt/mqtt-message';
import type { TraceSource } from './service-tracing';

/** A user property repeated in the packet arrives as a list: its first value counts, as with HTTP headers. */
const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The trace context a device put in its MQTT v5 user properties (`traceparent`, `tracestate`), as a hop's source. */
export function mqttTraceSource(message: MqttMessage): TraceSource {
  const properties = message.userProperties;
  if (!properties) return { topic: message.topic };
  return { topic: message.topic, headers: { [TRACEPARENT]: first(properties[TRACEPARENT]), [TRACESTATE]: first(properties[TRACESTATE]) } };
}
