import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { bookingPricedV1Schema, type BookingPricedV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord } from '@kuruma/service-kit';
import { ApplyBookingEventsUseCase } from './apply-booking-events.use-case';
import { PolicyOutcomes } from './policy-outcomes';

/** Priced booking events in (bad records dead-lettered by the transport), applied in one transaction. */
@Controller()
export class BookingPricedKafkaHandler {
  constructor(
    @Inject(ApplyBookingEventsUseCase) private readonly useCase: ApplyBookingEventsUseCase,
    @Inject(PolicyOutcomes) private readonly outcomes: PolicyOutcomes,
  ) {}

  @ConsumeTopic(Topics.bookingPriced, { schema: bookingPricedV1Schema, deadLetter: Topics.bookingPricedDlq })
  async apply(@Payload() records: DecodedRecord<BookingPricedV1>[]): Promise<void> {
    this.outcomes.record(await this.useCase.execute(records.map((r) => r.data)));
  }
}
