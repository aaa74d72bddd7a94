import { randomUUID } from 'node:crypto';
import { DeadLetterHeaders, Topics, toStorableText } from '@kuruma/contracts';
import { ClaimsRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { enqueueOutbox, GroupCommit } from '@kuruma/data-access-messaging';
import type { MqttMessage, TopicNames } from '@kuruma/service-kit';
import type { DeviceSignalMetrics } from './device-signal.metrics';

/** One device message to dead-letter: where it came from, why, and after how many attempts. */
export interface DeviceDeadLetter {
  deviceId: string;
  /** The MQTT topic it was published on. */
  source: string;
  reason: string;
  payload: Buffer;
  attempts: number;
}

/** Dead letters written together: up to this many payload bytes per transaction (a payload may be 1 MiB). */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Where claims-trigger puts a device message it will not apply: the `dead_letter` table and,
 * through the outbox in the same transaction, the device dead-letter topic, payload byte for byte,
 * with the reason and the attempts it took. Then the message can be acknowledged. Written with
 * group commit: a flood of bad messages, many in flight at once, takes one database connection
 * at a time instead of one each (which starved the pool the API and the alerts share).
 */
export class DeviceSignalDeadLetters {
  private readonly claims = new ClaimsRepository();
  private readonly commit: GroupCommit<DeviceDeadLetter & { id: string }>;

  constructor(
    private readonly db: SqlTransactional,
    private readonly service: string,
    private readonly topics: TopicNames,
    private readonly metrics: DeviceSignalMetrics,
  ) {
    this.commit = new GroupCommit((rows) => this.insert(rows), MAX_BATCH_BYTES, (row) => row.payload.length);
  }

  /** A message its handler kept failing on (the transport's dead letter). */
  async write(message: MqttMessage, why: string, attempts: number): Promise<void> {
    const [deviceId = ''] = message.params;
    await this.record({ deviceId, source: message.topic, reason: why, payload: message.payload, attempts });
    this.metrics.record('dead-letter', message.receivedAt);
  }

  /** Durably dead-letters one message; resolves once committed. */
  record(deadLetter: DeviceDeadLetter): Promise<void> {
    return this.commit.submit({ ...deadLetter, reason: toStorableText(deadLetter.reason), id: randomUUID() });
  }

  private async insert(rows: (DeviceDeadLetter & { id: string })[]): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await this.claims.insertDeadLetters(tx, this.service, rows);
      const entries = rows.map((r) => ({
        topic: this.topics.of(Topics.deviceSignalsDlq),
        key: r.deviceId,
        eventId: `dlq:${r.id}`,
        payload: r.payload,
        headers: { [DeadLetterHeaders.reason]: r.reason, [DeadLetterHeaders.originalTopic]: r.source, [DeadLetterHeaders.service]: this.service, [DeadLetterHeaders.attempts]: String(r.attempts) },
      }));
      await enqueueOutbox(tx, this.service, entries);
    });
  }
}
