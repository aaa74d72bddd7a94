import { AUTHENTICATED_PARTNER_HEADER, bookingEventV1Schema, Topics } from '@kuruma/contracts';
import { type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord, parseJsonMessage } from '@kuruma/data-access-messaging';
import type { Logger } from 'pino';
import type { AcceptBookingEventsUseCase, AuthenticatedBookingEvent } from './accept-booking-events.use-case';
import type { KnownPartners } from '../partners/known-partners';

/** Where a record came from says who sent it. */
export interface BookingTopics {
  topic: (base: string) => string;
  /** The partner owning a partner booking topic (`partner.<id>.booking-events.v1`), else null. */
  partnerOfTopic: (topic: string) => string | null;
}

/**
 * Partners' Kafka records: parse and validate each, dead-letter what is bad with the reason, and
 * apply the rest in one transaction. Never throws for bad data, so no record blocks a partition.
 *
 * The sender is the partner the broker authenticated: only `partner.<id>` may write its own
 * topic, and only booking-ingest's webhook the shared one. An event whose `partnerId` is not its
 * sender's is dead-lettered, so no partner can act for another.
 */
export class BookingEventsKafkaHandler {
  private readonly topic: (base: string) => string;

  constructor(
    private readonly useCase: AcceptBookingEventsUseCase,
    private readonly partners: KnownPartners,
    private readonly producer: EventProducer,
    private readonly topics: BookingTopics,
    private readonly service: string,
    private readonly logger: Logger,
    private readonly onDeadLetter: (reason: string) => void,
  ) {
    this.topic = topics.topic;
  }

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
      const sender = this.topics.partnerOfTopic(record.topic) ?? record.headers[AUTHENTICATED_PARTNER_HEADER] ?? null;
      if (sender !== partnerId) {
        reject(record, `partner-mismatch: ${sender ? `the record was published by partner ${sender}` : 'the record has no authenticated partner'}, but the event claims partner ${partnerId}`);
        continue;
      }
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
