import type { BookingEventV1 } from '@kuruma/contracts';
import { BookingEventRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { applyPendingEvents } from './apply-pending-events';

/** A schema-valid booking event and the partner it was authenticated as. */
export interface AuthenticatedBookingEvent {
  partnerId: string;
  event: BookingEventV1;
}

export type IngestOutcome = 'accepted' | 'held' | 'stale' | 'duplicate' | 'released-after-gap-timeout';

export interface AcceptBookingEventsConfig {
  producer: string;
  topic: (base: string) => string;
  gapTimeoutMs: number;
}

/**
 * De-duplicates by (partner, event id), orders by sequence per booking and forwards what can be
 * applied: one transaction per chunk, the forwarded events written to the outbox in it.
 */
export class AcceptBookingEventsUseCase {
  private readonly repo = new BookingEventRepository();

  constructor(
    private readonly db: SqlTransactional,
    private readonly config: AcceptBookingEventsConfig,
  ) {}

  async execute(events: AuthenticatedBookingEvent[], now = new Date()): Promise<IngestOutcome[]> {
    if (events.length === 0) return [];
    return this.db.$transaction(
      async (tx) => {
        const incoming = events.map(({ partnerId, event }) => ({
          partnerId,
          bookingId: event.data.bookingId,
          eventId: event.id,
          sequence: event.data.sequence,
          type: event.type,
          vehicleId: event.data.vehicle.vehicleId,
          envelope: event,
        }));
        const inserted = await this.repo.insertNew(tx, incoming);
        const bookings = new Map<string, { partnerId: string; bookingId: string; vehicleId: string }>();
        const received = new Map<string, unknown>();
        for (const e of incoming) {
          const id = inserted.get(`${e.partnerId}\u0000${e.eventId}`);
          if (!id) continue;
          bookings.set(`${e.partnerId}\u0000${e.bookingId}`, e);
          received.set(id, e.envelope);
        }
        const outcomes = await applyPendingEvents(tx, this.repo, [...bookings.values()], { ...this.config, now }, received);
        const answers: IngestOutcome[] = [];
        for (const e of incoming) {
          const id = inserted.get(`${e.partnerId}\u0000${e.eventId}`);
          answers.push(id ? ((outcomes.get(id) as IngestOutcome | undefined) ?? 'held') : 'duplicate');
        }
        return answers;
      },
    );
  }
}
