import type { MqttMessage } from '../transport/mqtt/mqtt-message';
import type { TraceSource } from './service-tracing';

/** The trace context a device put in its MQTT v5 user properties (`traceparent`, `tracestate`), as a hop's source. */
export const mqttTraceSource = (message: MqttMessage): TraceSource => ({ system: 'mqtt', topic: message.topic, headers: message.userProperties });
