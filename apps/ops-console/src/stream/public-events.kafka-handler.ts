import { Controller, Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import { Payload } from '@nestjs/microservices';
import { Topics } from '@kuruma/contracts';
import { SERVICE_KIT, type ServiceKit, type TailedRecord, TailTopic } from '@kuruma/service-kit';
import { type LiveEvent, LiveEventBuffer } from './live-event-buffer';

/**
 * The public policy and claim events, tailed into the live buffer the browsers stream from. The
 * console reads them as its own group that never commits (KafkaTailServer), so it never competes
 * with the services and a restarted console shows the recent past again, not a blank screen.
 */
@Controller()
export class PublicEventsKafkaHandler {
  private readonly logger: Logger;

  constructor(
    @Inject(LiveEventBuffer) private readonly buffer: LiveEventBuffer,
    @Inject(SERVICE_KIT) kit: ServiceKit,
  ) {
    this.logger = kit.logger.child({ component: 'live-feed' });
  }

  @TailTopic(Topics.policyEvents)
  policyEvents(@Payload() records: TailedRecord[]): void {
    this.show(records);
  }

  @TailTopic(Topics.claimEvents)
  claimEvents(@Payload() records: TailedRecord[]): void {
    this.show(records);
  }

  /** Each record that is a public event joins the buffer; one that is not is logged and skipped alone. */
  private show(records: TailedRecord[]): void {
    for (const record of records) {
      try {
        this.buffer.push(liveEventOf(record));
      } catch (error) {
        this.logger.warn({ err: error, topic: record.topic, partition: record.partition, offset: record.offset }, 'tailed record skipped: not a public event');
      }
    }
  }
}

/**
 * A public CloudEvent as the live stream shows it. The platform publishes only valid events on
 * these topics; a record that is not one throws, and is logged and skipped by the transport.
 */
export function liveEventOf(record: TailedRecord): Omit<LiveEvent, 'seq' | 'streamId'> {
  const event = JSON.parse(record.value?.toString('utf8') ?? '') as { id?: unknown; type?: unknown; time?: unknown; data?: Record<string, unknown> | null };
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.time !== 'string') {
    throw new Error('not a CloudEvent: id, type and time must be strings');
  }
  const text = (field: string) => (typeof event.data?.[field] === 'string' ? (event.data[field] as string) : null);
  return { id: event.id, type: event.type, time: event.time, partnerId: text('partnerId'), vehicleId: text('vehicleId'), dataJson: JSON.stringify(event.data ?? null) };
}
