import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { claimEventV1Schema, type ClaimEventV1, policyEventV1Schema, type PolicyEventV1, Topics } from '@kuruma/contracts';
import { ConsumeTopic, type DecodedRecord } from '@kuruma/service-kit';
import { EnqueueDeliveriesUseCase } from './enqueue-deliveries.use-case';

/**
 * The webhook body is the record's text as the topic carried it, except for a record written
 * before the reverse-DNS event types (a legacy `type`, which the schema has renamed): partners get
 * only prefixed types, so that one is sent as the parsed event.
 */
const withBody = <T extends PolicyEventV1 | ClaimEventV1>(records: DecodedRecord<T>[]) =>
  records.map((r) => {
    const text = r.source.value?.toString('utf8') ?? '';
    return { event: r.data, body: text.includes(`"${r.data.type}"`) ? text : JSON.stringify(r.data) };
  });

/**
 * Every policy and claim event becomes pending webhook deliveries. A record that fails the schema
 * or keeps failing goes to this service's own dead-letter topic (it may write no other): a partner
 * would otherwise miss that webhook without anyone knowing.
 */
@Controller()
export class PartnerEventsKafkaHandler {
  constructor(@Inject(EnqueueDeliveriesUseCase) private readonly enqueue: EnqueueDeliveriesUseCase) {}

  @ConsumeTopic(Topics.policyEvents, { schema: policyEventV1Schema, deadLetter: Topics.partnerWebhooksDlq })
  async policyEvents(@Payload() records: DecodedRecord<PolicyEventV1>[]): Promise<void> {
    await this.enqueue.execute(withBody(records));
  }

  @ConsumeTopic(Topics.claimEvents, { schema: claimEventV1Schema, deadLetter: Topics.partnerWebhooksDlq })
  async claimEvents(@Payload() records: DecodedRecord<ClaimEventV1>[]): Promise<void> {
    await this.enqueue.execute(withBody(records));
  }
}
