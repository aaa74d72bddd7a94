import { bookingEventV1Schema, Topics } from '@kuruma/contracts';
import { type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord, parseJsonMessage } from '@kuruma/data-access-messaging';
import type { Logger } from 'pino';
import type { AcceptBookingEventsUseCase, AuthenticatedBookingEvent } from './accept-booking-events.use-case';
import type { KnownPartners } from '../partners/known-partners';

/**
 * Partners' Kafka records: parse and validate each, dead-letter what is bad with the reason, and
 * apply the rest in one transaction. Never throws for bad data, so no record blocks a partition.
 */
export class BookingEventsKafkaHandler {
  constructor(
    private readonly useCase: AcceptBookingEventsUseCase,
    private readonly partners: KnownPartners,
    private readonly producer: EventProducer,
    private readonly topic: (base: string) => string,
    private readonly service: string,
    private readonly logger: Logger,
    private readonly onDeadLetter: (reason: string) => void,
  ) {}

  async handle(records: ConsumedRecord[]): Promise<void> {
    const valid: AuthenticatedBookingEvent[] = [];
    const dead: OutgoingRecord[] = [];
    const reject = (record: ConsumedRecord, reason: string) => {
      dead.push(deadLetterRecord(record, this.topic(Topics.bookingEventsDlq), reason, this.service));
      this.onDeadLetter(reason.split(':')[0]);
    };
    for (const record of records) {
      const result = parseJsonMessage(bookingEventV1Schema, record.value);
      if (!result.ok) {
        reject(record, result.reason);
        continue;
      }
      const partnerId = result.value.data.partnerId;
      if (!(await this.partners.exists(partnerId))) {
        reject(record, `unknown-partner: ${partnerId}`);
        continue;
      }
      if (record.key !== result.value.data.bookingId) {
        reject(record, `wrong-key: record key must be the bookingId (${result.value.data.bookingId})`);
        continue;
      }
      valid.push({ partnerId, event: result.value });
    }
    // Dead letters are durable before the offsets move past them.
    if (dead.length) {
      await this.producer.send(dead);
      this.logger.warn({ count: dead.length }, 'booking events dead-lettered');
    }
    await this.useCase.execute(valid);
  }
}
