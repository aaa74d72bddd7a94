import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MqttTopics } from '@kuruma/contracts';
import { ConsumeMqttTopic, Hops, type MqttMessage, mqttTraceSource, ServiceTracing } from '@kuruma/service-kit';
import { DeviceSignalMetrics } from './device-signal.metrics';
import { HandleDeviceSignalUseCase, type SignalOutcome } from './handle-device-signal.use-case';

/** The outcomes that commit an event for the claim topic: the alerts that travel the device path's hops. */
const TO_CLAIM_TOPIC: ReadonlySet<SignalOutcome> = new Set(['claim-opened', 'signal-attached', 'withdrawn', 'uncovered']);

/**
 * Crash and lock alerts from the devices. Bad data does not throw: the use case dead-letters it and
 * the message is acknowledged. What throws is a dependency away (retried unacknowledged) or a
 * failure of the message's own, which the transport dead-letters after CONSUMER_MAX_ATTEMPTS.
 */
@Controller()
export class DeviceSignalsMqttHandler {
  constructor(
    @Inject(HandleDeviceSignalUseCase) private readonly useCase: HandleDeviceSignalUseCase,
    @Inject(DeviceSignalMetrics) private readonly metrics: DeviceSignalMetrics,
    @Inject(ServiceTracing) private readonly tracing: ServiceTracing,
  ) {}

  @ConsumeMqttTopic(MqttTopics.crash)
  crash(@Payload() message: MqttMessage): Promise<void> {
    return this.apply(message, 'crash');
  }

  // Lock messages need no order: telemetry keeps the newest observation whatever arrives last,
  // and a forced entry joins or opens its claim under the vehicle lock like any alert. A crash
  // alert's withdrawal (score 0) must follow its crash, so crash alerts keep the device's order.
  @ConsumeMqttTopic(MqttTopics.lock, { ordered: false })
  lock(@Payload() message: MqttMessage): Promise<void> {
    return this.apply(message, 'lock');
  }

  private async apply(message: MqttMessage, channel: 'crash' | 'lock'): Promise<void> {
    const [deviceId] = message.params;
    const hop = this.tracing.begin(`claims-trigger ${channel} alert`, 'consumer');
    const receivedAt = message.receivedAt.getTime();
    const outcome = await this.useCase.execute(deviceId, channel, message.payload, undefined, () => hop.child(mqttTraceSource(message), receivedAt));
    if (TO_CLAIM_TOPIC.has(outcome)) this.tracing.hops.observe(Hops.mqttReceiptToClaimsCommit, receivedAt);
    hop.end();
    this.metrics.record(outcome, message.receivedAt);
  }
}
