import { bookingPricedV1Schema, describeZodError, type BookingPricedV1, Topics } from '@kuruma/contracts';
import { type ConsumedRecord, deadLetterRecord, type EventProducer, type OutgoingRecord } from '@kuruma/data-access-messaging';
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
      let reason: string | undefined;
      try {
        const parsed = bookingPricedV1Schema.safeParse(JSON.parse(record.value?.toString('utf8') ?? ''));
        if (parsed.success) valid.push(parsed.data);
        else reason = `schema-violation: ${describeZodError(parsed.error)}`;
      } catch (error) {
        reason = `invalid-json: ${(error as Error).message}`;
      }
      if (reason) dead.push(deadLetterRecord(record, this.topic(Topics.bookingPricedDlq), reason, this.service));
    }
    await this.producer.send(dead);
    this.onApplied(await this.useCase.execute(valid));
  }
}
