import { bookingAcceptedV1Schema, type BookingAcceptedV1, Topics } from '@kuruma/contracts';
import { type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord, parseJsonMessage } from '@kuruma/data-access-messaging';
import type { PriceBookingEventsUseCase } from './price-booking-events.use-case';

/**
 * Accepted booking events in, priced events (and dead letters) out. Produced before the offsets
 * are committed (at-least-once); policy's inbox makes a re-sent priced event harmless, so pricing
 * needs no outbox of its own.
 */
export class BookingAcceptedKafkaHandler {
  constructor(
    private readonly useCase: PriceBookingEventsUseCase,
    private readonly producer: EventProducer,
    private readonly topic: (base: string) => string,
    private readonly service: string,
  ) {}

  async handle(records: ConsumedRecord[]): Promise<void> {
    const valid: BookingAcceptedV1[] = [];
    const out: OutgoingRecord[] = [];
    for (const record of records) {
      const parsed = parseJsonMessage(bookingAcceptedV1Schema, record.value);
      if (parsed.ok) valid.push(parsed.value);
      else out.push(deadLetterRecord(record, this.topic(Topics.bookingAcceptedDlq), parsed.reason, this.service));
    }
    await this.useCase.execute(valid, (priced) => {
      for (const p of priced) out.push({ topic: this.topic(Topics.bookingPriced), key: p.event.data.bookingId, value: JSON.stringify(p) });
      return this.producer.send(out);
    });
  }
}
