import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { bookingAcceptedV1Schema, type BookingAcceptedV1, Topics } from '@kuruma/contracts';
import { EventProducer } from '@kuruma/data-access-messaging';
import { ConsumeTopic, type DecodedRecord, TopicNames } from '@kuruma/service-kit';
import { PriceBookingEventsUseCase } from './price-booking-events.use-case';

/**
 * Accepted booking events in, priced events out. Produced before the offsets are committed
 * (at-least-once); policy's inbox makes a re-sent priced event harmless, so pricing needs no
 * outbox of its own.
 */
@Controller()
export class BookingAcceptedController {
  constructor(
    @Inject(PriceBookingEventsUseCase) private readonly useCase: PriceBookingEventsUseCase,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(TopicNames) private readonly topics: TopicNames,
  ) {}

  @ConsumeTopic(Topics.bookingAccepted, { schema: bookingAcceptedV1Schema, deadLetter: Topics.bookingAcceptedDlq })
  async price(@Payload() records: DecodedRecord<BookingAcceptedV1>[]): Promise<void> {
    const topic = this.topics.of(Topics.bookingPriced);
    await this.useCase.execute(
      records.map((r) => r.data),
      (priced) => this.producer.send(priced.map((p) => ({ topic, key: p.event.data.bookingId, value: JSON.stringify(p) }))),
    );
  }
}
