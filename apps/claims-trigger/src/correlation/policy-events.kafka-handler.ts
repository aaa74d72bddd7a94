import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { policyEventV1Schema, type PolicyEventV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord } from '@kuruma/service-kit';
import { CoverIndex } from './cover-index';

/**
 * Keeps the cover index current from the public policy topic. Records that fail the schema are
 * logged and skipped by the transport (no dead-letter topic: the index is only a hint, the
 * database stays the truth, and claims-trigger may write no policy dead-letter topic).
 */
@Controller()
export class PolicyEventsKafkaHandler {
  constructor(@Inject(CoverIndex) private readonly index: CoverIndex) {}

  @ConsumeTopic(Topics.policyEvents, { schema: policyEventV1Schema })
  async apply(@Payload() records: DecodedRecord<PolicyEventV1>[]): Promise<void> {
    await this.index.apply(records.map((r) => r.data.data));
  }
}
