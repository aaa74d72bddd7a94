import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { RethrowRpcErrors } from '../shared/rethrow-rpc-errors.filter';

/** Transport id of {@link KafkaTailServer}: the batch transport never sees its patterns, nor it those. */
export const KAFKA_TAIL_TRANSPORT = Symbol.for('kuruma.transport.kafka-tail');

/** One record of a tailed topic, as received. */
export interface TailedRecord {
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
}

/**
 * A controller method that watches `topic` (a public name, `Topics.*`) without taking part in its
 * delivery: `@TailTopic(Topics.policyEvents) show(@Payload() records: TailedRecord[])`, one call per
 * fetched batch of a partition, in offset order. The reader has a group of its own, never commits
 * and starts from the recent past on every start (see KafkaTailServer). A handler skips a record
 * it cannot show on its own (logging why); an error it throws is logged and the batch skipped.
 *
 * Batches, not records: Nest builds an execution context, pipes and filters for every handler
 * call, which per record of a busy public topic was a visible share of the console's CPU.
 */
export function TailTopic(topic: string): MethodDecorator {
  return applyDecorators(EventPattern(topic, KAFKA_TAIL_TRANSPORT), UseFilters(RethrowRpcErrors));
}
