import { bookingPricedV1Schema, type BookingPricedV1, Topics } from '@kuruma/contracts';
import { type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord, parseJsonMessage } from '@kuruma/data-access-messaging';
import type { ApplyBookingEventsUseCase, ApplyResult } from './apply-booking-events.use-case';

/** Priced booking events in; bad records dead-lettered; the rest applied in one transaction. */
export class BookingPricedKafkaHandler {
  constructor(
    private readonly useCase: ApplyBookingEventsUseCase,
    private readonly producer: EventProducer,
    private readonly topic: (base: string) => string,
    private readonly service: string,
    private readonly onApplied: (result: ApplyResult) => void,
  ) {}

  async handle(records: ConsumedRecord[]): Promise<void> {
    const valid: BookingPricedV1[] = [];
    const dead: OutgoingRecord[] = [];
    for (const record of records) {
      const parsed = parseJsonMessage(bookingPricedV1Schema, record.value);
      if (parsed.ok) valid.push(parsed.value);
      else dead.push(deadLetterRecord(record, this.topic(Topics.bookingPricedDlq), parsed.reason, this.service));
    }
    await this.producer.send(dead);
    this.onApplied(await this.useCase.execute(valid));
  }
}
