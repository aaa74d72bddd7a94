import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MqttTopics } from '@kuruma/contracts';
import { ConsumeMqttTopic, type MqttMessage } from '@kuruma/service-kit';
import { DeviceSignalMetrics } from './device-signal.metrics';
import { RecordTripSummaryUseCase } from './record-trip-summary.use-case';

/**
 * Trip summaries from the gateways. Like alerts: bad data is dead-lettered by the use case and
 * acknowledged; a dependency away throws, and the message is retried unacknowledged. No order
 * is needed: each trip is a row of its own, kept once by its id.
 */
@Controller()
export class TripSummariesMqttHandler {
  constructor(
    @Inject(RecordTripSummaryUseCase) private readonly useCase: RecordTripSummaryUseCase,
    @Inject(DeviceSignalMetrics) private readonly metrics: DeviceSignalMetrics,
  ) {}

  @ConsumeMqttTopic(MqttTopics.trip, { ordered: false })
  async trip(@Payload() message: MqttMessage): Promise<void> {
    const [deviceId = ''] = message.params;
    const outcome = await this.useCase.execute(deviceId, message.payload);
    this.metrics.record(outcome, message.receivedAt);
  }
}
