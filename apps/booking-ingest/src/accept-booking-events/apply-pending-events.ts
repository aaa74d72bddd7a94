import { type BookingAcceptedV1, type BookingEventV1, Topics, present } from '@kuruma/contracts';
import { BookingEventRepository, bookingKey, type DatabaseTx } from '@kuruma/data-access-db';
import { enqueueOutbox } from '@kuruma/data-access-messaging';
import { orderBookingEvents } from '@kuruma/domain-booking';

export interface ApplyContext {
  producer: string;
  topic: (base: string) => string;
  gapTimeoutMs: number;
  now: Date;
}

/**
 * Orders every waiting event of the locked bookings, records each outcome, advances the applied
 * sequence and enqueues what is applied for pricing, all inside the caller's transaction.
 */
export async function applyPendingEvents(
  tx: DatabaseTx,
  repo: BookingEventRepository,
  bookings: { partnerId: string; bookingId: string; vehicleId: string }[],
  ctx: ApplyContext,
  /** Envelopes of the events the caller inserted in this transaction, by row id. */
  received: ReadonlyMap<string, unknown> = new Map(),
): Promise<Map<string, string>> {
  const outcomesById = new Map<string, string>();
  if (bookings.length === 0) return outcomesById;
  const lastSequences = await repo.lockBookings(tx, bookings);
  const pending = await repo.pendingFor(tx, bookings, received);
  const byBooking = new Map<string, typeof pending>();
  for (const event of pending) {
    const key = bookingKey(event.partnerId, event.bookingId);
    byBooking.set(key, [...(byBooking.get(key) ?? []), event]);
  }
  const holdUntil = new Date(ctx.now.getTime() + ctx.gapTimeoutMs);
  const outcomes: { id: string; outcome: string; holdUntil: Date | null }[] = [];
  const applied: { partnerId: string; bookingId: string; lastSequence: number; lastType: string }[] = [];
  const outbox: Parameters<typeof enqueueOutbox>[2] = [];
  for (const [key, events] of byBooking) {
    const byRef = new Map(events.map((e) => [e.id, e]));
    const result = orderBookingEvents(
      lastSequences.get(key) ?? 0,
      events.map((e) => ({ ref: e.id, sequence: e.sequence, holdUntil: e.holdUntil ?? undefined })),
      ctx.now,
    );
    let lastType: string | undefined;
    for (const decision of result.decisions) {
      const event = present(byRef.get(decision.ref), 'held event ' + decision.ref);
      const held = decision.outcome === 'held';
      outcomes.push({ id: event.id, outcome: decision.outcome, holdUntil: held ? (event.holdUntil ?? holdUntil) : null });
      outcomesById.set(event.id, decision.outcome);
      if (decision.outcome === 'accepted' || decision.outcome === 'released-after-gap-timeout') {
        lastType = event.type;
        const message: BookingAcceptedV1 = {
          partnerId: event.partnerId,
          ordering: decision.outcome === 'accepted' ? 'in-sequence' : 'gap-timeout',
          acceptedAt: ctx.now.toISOString(),
          event: event.envelope as BookingEventV1,
        };
        outbox.push({
          topic: ctx.topic(Topics.bookingAccepted),
          key: event.bookingId,
          eventId: `${event.partnerId}:${event.eventId}`,
          payload: JSON.stringify(message),
        });
      }
    }
    if (lastType && result.lastSequence !== lastSequences.get(key)) {
      const [partnerId, bookingId] = key.split('\u0000');
      applied.push({ partnerId, bookingId, lastSequence: result.lastSequence, lastType });
    }
  }
  await repo.setOutcomes(tx, outcomes);
  await repo.setApplied(tx, applied);
  await enqueueOutbox(tx, ctx.producer, outbox);
  return outcomesById;
}
