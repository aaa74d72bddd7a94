import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ZodType } from 'zod';
import { RethrowRpcErrors } from '../shared/rethrow-rpc-errors.filter';

/** Transport id of {@link KafkaBatchServer}: handlers of other transports never see its patterns. */
export const KAFKA_BATCH_TRANSPORT = Symbol.for('kuruma.transport.kafka-batch');

export interface KafkaTopicRoute<T = unknown> {
  /** Every record's value is parsed as JSON and checked against this before the handler sees it. */
  schema: ZodType<T>;
  /**
   * Public name (`Topics.*`) of the topic where records that fail the schema, that the handler
   * refuses, or that keep failing go, with the reason; without one they are logged and skipped.
   */
  deadLetter?: string;
  /**
   * Also consume every topic the service may read whose deployed name this accepts (e.g. each
   * partner's own booking topic), including topics created while the service runs.
   */
  alsoFrom?: (topicName: string) => boolean;
}

export const KAFKA_ROUTE_EXTRAS = 'kafkaBatchRoute';

/**
 * A controller method that applies chunks of records from `topic` (a public name, `Topics.*`):
 * `@ConsumeTopic(Topics.bookingPriced, { schema, deadLetter: Topics.bookingPricedDlq })
 *  apply(@Payload() records: DecodedRecord<BookingPricedV1>[], @Ctx() chunk: KafkaChunkContext)`.
 * The offsets of a chunk are committed only after the method resolves; a rejection retries it.
 */
export function ConsumeTopic<T>(topic: string, route: KafkaTopicRoute<T>): MethodDecorator {
  return applyDecorators(EventPattern(topic, KAFKA_BATCH_TRANSPORT, { [KAFKA_ROUTE_EXTRAS]: route }), UseFilters(RethrowRpcErrors));
}
