import type { ClaimEventV1, PolicyEventV1 } from '@kuruma/contracts';
import type { SqlDatabase, WebhookDeliveryRepository, WebhookEventInput } from '@kuruma/data-access-db';

/** A decoded policy or claim event with the exact text its record carried. */
export interface PartnerEventRecord {
  event: PolicyEventV1 | ClaimEventV1;
  body: string;
}

/**
 * Turns a chunk of public policy or claim events into pending deliveries, in one transaction
 * before the chunk's offsets are committed: each event is recorded once (its (source, id) is the
 * inbox key) with a delivery per subscribed endpoint of its partner. Events are ordered per booking;
 * a claim or incident without a booking is ordered with its vehicle's other events.
 */
export class EnqueueDeliveriesUseCase {
  constructor(
    private readonly db: SqlDatabase,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly enqueued: () => void,
  ) {}

  async execute(records: readonly PartnerEventRecord[]): Promise<void> {
    const events: WebhookEventInput[] = [];
    for (const { event, body } of records) {
      const partnerId = event.data.partnerId;
      // Claim events name their partner; one without (readers may see null) cannot be routed to anyone.
      if (!partnerId) continue;
      const orderingKey = event.data.bookingId ? `booking:${event.data.bookingId}` : `vehicle:${event.data.vehicleId}`;
      events.push({ source: event.source, eventId: event.id, partnerId, type: event.type, orderingKey, body, ...(event.time ? { occurredAt: event.time } : {}) });
    }
    if (events.length === 0) return;
    const created = await this.db.$transaction((tx) => this.deliveries.enqueue(tx, events));
    if (created > 0) this.enqueued();
  }
}
