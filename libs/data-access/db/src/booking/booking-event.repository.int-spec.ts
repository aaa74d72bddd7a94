import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '../sql/sql-database';
import { BookingEventRepository, bookingKey, eventKey } from './booking-event.repository';

/** The database the int tier's global setup prepares for this run (see test/support/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

/**
 * booking-ingest's three statements a chunk: lock (creating) the bookings, read what they hold,
 * write the decisions. The lock is an upsert rather than an insert and a SELECT FOR UPDATE, so what
 * it must still guarantee is checked against a second connection.
 */
describe(`${BookingEventRepository.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 3 });
  const repo = new BookingEventRepository();
  const partnerId = 'demo';
  afterAll(() => db.end());

  const booking = () => ({ partnerId, bookingId: `lock-${randomUUID().slice(0, 8)}`, vehicleId: 'v-lock' });
  const event = (b: { bookingId: string }, sequence: number, outcome: string) => ({
    id: randomUUID(),
    partnerId,
    bookingId: b.bookingId,
    eventId: randomUUID(),
    sequence,
    type: 'com.kurumacover.booking.created',
    outcome,
    holdUntil: outcome === 'held' ? new Date(Date.now() + 60_000) : null,
    envelope: { sequence },
    driverKeys: null,
  });

  it('creates a new booking at sequence 0 and returns the applied sequence of an existing one, once per booking however often it is named', async () => {
    const fresh = booking();
    const known = booking();
    await db.$transaction(async (tx) => {
      await repo.lockBookings(tx, [known]);
      await repo.saveDecisions(tx, { inserts: [], outcomes: [], applied: [{ partnerId, bookingId: known.bookingId, lastSequence: 4, lastType: 'com.kurumacover.booking.started' }] });
    });
    const locked = await db.$transaction((tx) => repo.lockBookings(tx, [fresh, known, fresh]));
    expect(locked).toEqual(new Map([[bookingKey(partnerId, fresh.bookingId), 0], [bookingKey(partnerId, known.bookingId), 4]]));
  });

  it('holds a booking another transaction is creating until it commits, then returns its committed sequence', async () => {
    const b = booking();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const firstHasLock = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = db.$transaction(async (tx) => {
      await repo.lockBookings(tx, [b]);
      firstLocked();
      await firstMayCommit;
      await repo.saveDecisions(tx, { inserts: [event(b, 1, 'accepted')], outcomes: [], applied: [{ partnerId, bookingId: b.bookingId, lastSequence: 1, lastType: 'com.kurumacover.booking.created' }] });
    });
    await firstHasLock;
    let secondSaw: number | undefined;
    const second = db.$transaction(async (tx) => {
      secondSaw = (await repo.lockBookings(tx, [b])).get(bookingKey(partnerId, b.bookingId));
    });
    // The second is waiting on the first's uncommitted row: it has not answered.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondSaw).toBeUndefined();
    releaseFirst();
    await Promise.all([first, second]);
    expect(secondSaw).toBe(1);
  });

  it('reads the stored events among those asked and the held events of the bookings in one statement, and counts only new events stored', async () => {
    const b = booking();
    const held = event(b, 3, 'held');
    const accepted = event(b, 1, 'accepted');
    const stored = await db.$transaction(async (tx) => {
      await repo.lockBookings(tx, [b]);
      return repo.saveDecisions(tx, { inserts: [held, accepted], outcomes: [], applied: [] });
    });
    expect(stored).toBe(2);
    const state = await db.$transaction(async (tx) => {
      await repo.lockBookings(tx, [b]);
      return repo.storedFor(tx, [{ partnerId, eventId: accepted.eventId }, { partnerId, eventId: 'never-sent' }], [b]);
    });
    expect(state.seen).toEqual(new Set([eventKey(partnerId, accepted.eventId)]));
    expect(state.pending.map((e) => [e.id, e.sequence, e.holdUntil?.getTime()])).toEqual([[held.id, 3, held.holdUntil?.getTime()]]);
    // The held event released, the sequence advanced, and a repeat of a stored event not stored again.
    const again = await db.$transaction(async (tx) => {
      await repo.lockBookings(tx, [b]);
      return repo.saveDecisions(tx, {
        inserts: [accepted],
        outcomes: [{ id: held.id, outcome: 'released-after-gap-timeout', holdUntil: null }],
        applied: [{ partnerId, bookingId: b.bookingId, lastSequence: 3, lastType: held.type }],
      });
    });
    expect(again).toBe(0);
    const after = await db.$transaction(async (tx) => ({ locked: await repo.lockBookings(tx, [b]), state: await repo.storedFor(tx, [], [b]) }));
    expect(after.locked.get(bookingKey(partnerId, b.bookingId))).toBe(3);
    expect(after.state.pending).toEqual([]);
  });
});
