import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { bookingAcceptedV1Schema, type BookingAcceptedV1, JSON_RECORD_HEADERS, Topics } from '@kuruma/contracts';
import { EventProducer } from '@kuruma/data-access-messaging';
import { ConsumeTopic, type DecodedRecord, Hops, ServiceTracing, TopicNames } from '@kuruma/service-kit';
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
    @Inject(ServiceTracing) private readonly tracing: ServiceTracing,
  ) {}

  @ConsumeTopic(Topics.bookingAccepted, { schema: bookingAcceptedV1Schema, deadLetter: Topics.bookingAcceptedDlq })
  async price(@Payload() records: DecodedRecord<BookingAcceptedV1>[]): Promise<void> {
    const topic = this.topics.of(Topics.bookingPriced);
    const receivedAt = Date.now();
    this.tracing.hops.observeSinceKafka(Hops.acceptedTopicToPricing, records.map((r) => r.source), receivedAt);
    const hop = this.tracing.begin('pricing price', 'consumer', Hops.pricingToPricedTopic);
    await this.useCase.execute(
      records.map((r) => r.data),
      // Priced events come back in the order of the accepted ones: the i-th continues the i-th's trace.
      async (priced) => {
        await this.producer.send(priced.map((p, i) => ({ topic, key: p.event.data.bookingId, value: JSON.stringify(p), headers: { ...hop.child(records[i]?.source, receivedAt), ...JSON_RECORD_HEADERS } })));
        hop.end();
      },
    );
  }
}
