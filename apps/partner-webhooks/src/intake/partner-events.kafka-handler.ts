import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { claimEventV1Schema, type ClaimEventV1, policyEventV1Schema, type PolicyEventV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord } from '@kuruma/service-kit';
import { EnqueueDeliveriesUseCase } from './enqueue-deliveries.use-case';

const withBody = <T extends PolicyEventV1 | ClaimEventV1>(records: DecodedRecord<T>[]) => records.map((r) => ({ event: r.data, body: r.source.value?.toString('utf8') ?? '' }));

/**
 * Every policy and claim event becomes pending webhook deliveries. Records that fail the schema
 * are logged and skipped by the transport: these topics are written by the platform itself, and
 * this service may write no dead-letter topic of theirs.
 */
@Controller()
export class PartnerEventsKafkaHandler {
  constructor(@Inject(EnqueueDeliveriesUseCase) private readonly enqueue: EnqueueDeliveriesUseCase) {}

  @ConsumeTopic(Topics.policyEvents, { schema: policyEventV1Schema })
  async policyEvents(@Payload() records: DecodedRecord<PolicyEventV1>[]): Promise<void> {
    await this.enqueue.execute(withBody(records));
  }

  @ConsumeTopic(Topics.claimEvents, { schema: claimEventV1Schema })
  async claimEvents(@Payload() records: DecodedRecord<ClaimEventV1>[]): Promise<void> {
    await this.enqueue.execute(withBody(records));
  }
}
