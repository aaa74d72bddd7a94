import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { bookingPricedV1Schema, type BookingPricedV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord, Hops, ServiceTracing } from '@kuruma/service-kit';
import { ApplyBookingEventsUseCase } from './apply-booking-events.use-case';
import { PolicyOutcomes } from './policy-outcomes';

/** Priced booking events in (bad records dead-lettered by the transport), applied in one transaction. */
@Controller()
export class BookingPricedKafkaHandler {
  constructor(
    @Inject(ApplyBookingEventsUseCase) private readonly useCase: ApplyBookingEventsUseCase,
    @Inject(PolicyOutcomes) private readonly outcomes: PolicyOutcomes,
    @Inject(ServiceTracing) private readonly tracing: ServiceTracing,
  ) {}

  @ConsumeTopic(Topics.bookingPriced, { schema: bookingPricedV1Schema, deadLetter: Topics.bookingPricedDlq })
  async apply(@Payload() records: DecodedRecord<BookingPricedV1>[]): Promise<void> {
    const hop = this.tracing.begin('policy apply', 'consumer', Hops.pricedTopicToPolicyCommit);
    const traces = new Map<BookingPricedV1, Record<string, string>>();
    for (const r of records) traces.set(r.data, hop.child(r.source, Number(r.source.timestamp)));
    this.outcomes.record(await this.useCase.execute(records.map((r) => r.data), undefined, traces));
    hop.end();
  }
}
