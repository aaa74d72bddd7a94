import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AUTHENTICATED_PARTNER_HEADER, bookingEventV1Schema, type BookingEventV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord, Hops, type KafkaChunkContext, ServiceTracing, TopicNames } from '@kuruma/service-kit';
import { AcceptBookingEventsUseCase, type AuthenticatedBookingEvent } from './accept-booking-events.use-case';
import { BookingEventRefusals } from './booking-event-refusals';
import { KnownPartners } from '../partners/known-partners';

/**
 * Partners' booking events from Kafka: the webhook's shared topic and every partner's own topic
 * (including partners onboarded while the service runs). Records that fail the schema are
 * dead-lettered by the transport; this handler refuses the rest that cannot be trusted and
 * applies what is left in one transaction. It never throws for bad data, so no record blocks a
 * partition.
 *
 * The sender is the partner the broker authenticated: only `partner.<id>` may write its own
 * topic, and only booking-ingest's webhook the shared one. An event whose `partnerId` is not its
 * sender's is dead-lettered, so no partner can act for another.
 */
@Controller()
export class BookingEventsKafkaHandler {
  constructor(
    @Inject(AcceptBookingEventsUseCase) private readonly useCase: AcceptBookingEventsUseCase,
    @Inject(KnownPartners) private readonly partners: KnownPartners,
    @Inject(TopicNames) private readonly topics: TopicNames,
    @Inject(BookingEventRefusals) private readonly refusals: BookingEventRefusals,
    @Inject(ServiceTracing) private readonly tracing: ServiceTracing,
  ) {}

  @ConsumeTopic(Topics.bookingEvents, {
    schema: bookingEventV1Schema,
    deadLetter: Topics.bookingEventsDlq,
    alsoFrom: (name, topics) => topics.partnerOfBookingTopic(name) !== null,
  })
  async accept(@Payload() records: DecodedRecord<BookingEventV1>[], @Ctx() chunk: KafkaChunkContext): Promise<void> {
    const valid: AuthenticatedBookingEvent[] = [];
    const hop = this.tracing.begin('booking-ingest accept', 'consumer', Hops.partnerRecordToIngestCommit);
    for (const { data: event, source } of records) {
      const reason = await this.refusalOf(event, source.topic, source.key, source.headers[AUTHENTICATED_PARTNER_HEADER]);
      if (reason) chunk.refuse(source, reason);
      else valid.push({ partnerId: event.data.partnerId, event, trace: hop.child(source, Number(source.timestamp)) });
    }
    this.refusals.count(chunk.getRefusals());
    await this.useCase.execute(valid);
    hop.end();
  }

  /** Why a schema-valid record cannot be applied (`<code>: <detail>`), or null. */
  private async refusalOf(event: BookingEventV1, topic: string, key: string | null, authenticated: string | undefined): Promise<string | null> {
    const partnerId = event.data.partnerId;
    const sender = this.topics.partnerOfBookingTopic(topic) ?? authenticated ?? null;
    if (sender !== partnerId) {
      return `partner-mismatch: ${sender ? `the record was published by partner ${sender}` : 'the record has no authenticated partner'}, but the event claims partner ${partnerId}`;
    }
    if (!(await this.partners.exists(partnerId))) return `unknown-partner: ${partnerId}`;
    if (key !== event.data.bookingId) return `wrong-key: record key must be the bookingId (${event.data.bookingId})`;
    return null;
  }
}
