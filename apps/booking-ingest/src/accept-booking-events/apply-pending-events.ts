import { type BookingAcceptedV1, type BookingEventV1, JSON_RECORD_HEADERS, Topics, present } from '@kuruma/contracts';
import { BookingEventRepository, bookingKey, type DatabaseTx, type DecidedBookingEvent, type StoredPendingEvent } from '@kuruma/data-access-db';
import type { OutgoingRecord } from '@kuruma/data-access-messaging';
import { orderBookingEvents } from '@kuruma/domain-booking';

export interface ApplyContext {
  /**
   * Sends the accepted events to pricing and resolves once Kafka has acknowledged them. It runs
   * inside the transaction, before COMMIT: a send that fails rolls the decisions back and the chunk
   * is retried; a COMMIT that fails after the send repeats the send on the retry, with the same
   * event ids, which policy's inbox drops. So an accepted event is never lost and never applied
   * twice, without an outbox row written, read back and marked for each one (docs/reliability.md).
   */
  forward: (records: OutgoingRecord[]) => Promise<void>;
  topic: (base: string) => string;
  gapTimeoutMs: number;
  now: Date;
}

/** What the caller read with the bookings locked: their applied sequence and their stored events still waiting. */
export interface LockedBookings {
  lastSequences: Map<string, number>;
  pending: StoredPendingEvent[];
}

/**
 * Orders every waiting event of the bookings (the `fresh` ones, not stored yet, and those held
 * earlier), stores the fresh ones with their outcome, updates the held ones that moved, advances
 * the applied sequence and sends what is applied to pricing, all inside the caller's
 * transaction. `locked`: what the caller read after locking the bookings already; without it the
 * bookings are locked and read here. Three statements a chunk, each a round trip that every
 * record paid for at low rates (docs/benchmarks.md, "Statements per chunk").
 */
export async function applyPendingEvents(
  tx: DatabaseTx,
  repo: BookingEventRepository,
  bookings: { partnerId: string; bookingId: string; vehicleId: string }[],
  ctx: ApplyContext,
  fresh: StoredPendingEvent[] = [],
  locked?: LockedBookings,
): Promise<Map<string, string>> {
  const outcomesById = new Map<string, string>();
  if (bookings.length === 0) return outcomesById;
  const lastSequences = locked?.lastSequences ?? (await repo.lockBookings(tx, bookings));
  const stored = locked?.pending ?? (await repo.storedFor(tx, [], bookings)).pending;
  const byBooking = new Map<string, StoredPendingEvent[]>();
  for (const event of [...stored, ...fresh]) {
    const key = bookingKey(event.partnerId, event.bookingId);
    byBooking.set(key, [...(byBooking.get(key) ?? []), event]);
  }
  const isFresh = new Set(fresh.map((e) => e.id));
  const holdUntil = new Date(ctx.now.getTime() + ctx.gapTimeoutMs);
  const inserts: DecidedBookingEvent[] = [];
  const updates: { id: string; outcome: string; holdUntil: Date | null }[] = [];
  const applied: { partnerId: string; bookingId: string; lastSequence: number; lastType: string }[] = [];
  const forwarded: OutgoingRecord[] = [];
  for (const [key, events] of byBooking) {
    const byRef = new Map(events.map((e) => [e.id, e]));
    const result = orderBookingEvents(
      lastSequences.get(key) ?? 0,
      events.map((e) => ({ ref: e.id, sequence: e.sequence, holdUntil: e.holdUntil ?? undefined })),
      ctx.now,
    );
    let lastType: string | undefined;
    for (const decision of result.decisions) {
      const event = present(byRef.get(decision.ref), 'pending event ' + decision.ref);
      const held = decision.outcome === 'held';
      const until = held ? (event.holdUntil ?? holdUntil) : null;
      outcomesById.set(event.id, decision.outcome);
      if (isFresh.has(event.id)) {
        // The trace headers go with the accepted record only, not into the stored row's JSON.
        const { trace: _trace, ...stored } = event;
        inserts.push({ ...stored, outcome: decision.outcome, holdUntil: until });
      }
      // A held event still held keeps its row as it is.
      else if (!held || !event.holdUntil) updates.push({ id: event.id, outcome: decision.outcome, holdUntil: until });
      if (decision.outcome === 'accepted' || decision.outcome === 'released-after-gap-timeout') {
        lastType = event.type;
        const message: BookingAcceptedV1 = {
          partnerId: event.partnerId,
          ordering: decision.outcome === 'accepted' ? 'in-sequence' : 'gap-timeout',
          acceptedAt: ctx.now.toISOString(),
          event: event.envelope as BookingEventV1,
          // Rows stored before ingest kept the pseudonyms have none: pricing then hashes the reference their event still carries.
          ...(event.driverKeys ? { driverKeys: event.driverKeys } : {}),
        };
        forwarded.push({ topic: ctx.topic(Topics.bookingAccepted), key: event.bookingId, value: JSON.stringify(message), headers: { ...event.trace, ...JSON_RECORD_HEADERS } });
      }
    }
    if (lastType && result.lastSequence !== lastSequences.get(key)) {
      const [partnerId, bookingId] = key.split('\u0000');
      applied.push({ partnerId, bookingId, lastSequence: result.lastSequence, lastType });
    }
  }
  // The bookings are locked, so no other transaction can have stored one of these events since
  // the caller checked; if one did anyway, nothing of this chunk may commit (it is retried).
  const inserted = await repo.saveDecisions(tx, { inserts, outcomes: updates, applied });
  if (inserted !== inserts.length) throw new Error(`booking events stored concurrently (${inserts.length - inserted}); retrying the chunk`);
  // Last, with the bookings still locked: another transaction on these bookings sends its events
  // only after this one has committed, so each booking's events reach the topic in order.
  if (forwarded.length > 0) await ctx.forward(forwarded);
  return outcomesById;
}
