import type { Logger } from 'pino';
import { policyEventV1Schema, type PolicyEventDataV1 } from '@kuruma/contracts';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';
import type { CoverIndex } from './cover-index';

/** Keeps the cover index current from the public policy topic; unreadable records are skipped (the DB stays the truth). */
export class PolicyEventsKafkaHandler {
  constructor(
    private readonly index: CoverIndex,
    private readonly logger: Logger,
  ) {}

  async handle(records: ConsumedRecord[]): Promise<void> {
    const events: PolicyEventDataV1[] = [];
    for (const record of records) {
      try {
        const parsed = policyEventV1Schema.safeParse(JSON.parse(record.value?.toString('utf8') ?? ''));
        if (parsed.success) events.push(parsed.data.data);
      } catch {
        this.logger.warn({ offset: record.offset, partition: record.partition }, 'unreadable policy event skipped by the cover index');
      }
    }
    await this.index.apply(events);
  }
}
