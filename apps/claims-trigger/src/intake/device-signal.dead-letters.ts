import { randomUUID } from 'node:crypto';
import { DeadLetterHeaders, Topics, toStorableText } from '@kuruma/contracts';
import type { SqlTransactional } from '@kuruma/data-access-db';
import { enqueueOutbox } from '@kuruma/data-access-messaging';
import type { MqttMessage, TopicNames } from '@kuruma/service-kit';
import type { DeviceSignalMetrics } from './device-signal.metrics';

/**
 * Where the intake puts a device message its handler kept failing on: the `dead_letter` table and,
 * through the outbox in the same transaction, the device dead-letter topic, payload byte for byte,
 * with the reason and the attempts it took. Then the message can be acknowledged.
 */
export class DeviceSignalDeadLetters {
  constructor(
    private readonly db: SqlTransactional,
    private readonly service: string,
    private readonly topics: TopicNames,
    private readonly metrics: DeviceSignalMetrics,
  ) {}

  async write(message: MqttMessage, why: string, attempts: number): Promise<void> {
    const reason = toStorableText(why);
    const id = randomUUID();
    const [deviceId] = message.params;
    await this.db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO dead_letter (id, service, source, reason, payload) VALUES (${id}::uuid, ${this.service}, ${message.topic}, ${reason}, ${message.payload})`;
      const headers = { [DeadLetterHeaders.reason]: reason, [DeadLetterHeaders.originalTopic]: message.topic, [DeadLetterHeaders.service]: this.service, [DeadLetterHeaders.attempts]: String(attempts) };
      await enqueueOutbox(tx, this.service, [{ topic: this.topics.of(Topics.deviceSignalsDlq), key: deviceId, eventId: `dlq:${id}`, payload: message.payload, headers }]);
    });
    this.metrics.record('dead-letter', message.receivedAt);
  }
}
