import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookingAcceptedV1, BookingEventV1 } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import type { OutgoingRecord } from '@kuruma/data-access-messaging';
import { driverPseudonym, sharedDriverPseudonym } from '@kuruma/domain-rating';
import { ReleaseHeldEventsJob } from '../release-held-events/release-held-events.job';
import { AcceptBookingEventsUseCase } from './accept-booking-events.use-case';

/** The database the int tier's global setup migrates for this run (see tools/harness/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

const GAP_TIMEOUT_MS = 60_000;
const DRIVER_PSEUDONYM_KEY = 'int-spec-driver-pseudonym-key-0123456789abcdef';

function event(bookingId: string, sequence: number, type: BookingEventV1['type'] = sequence === 1 ? 'com.kurumacover.booking.created' : 'com.kurumacover.booking.extended'): BookingEventV1 {
  return {
    specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: '2026-12-01T10:00:00Z', datacontenttype: 'application/json',
    data: {
      bookingId, partnerId: 'demo', startsAt: '2026-12-02T10:00:00+09:00', endsAt: '2026-12-02T16:00:00+09:00', plan: 'standard', sequence,
      vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
      driver: { driverId: 'd-1', age: 34, licenceColour: 'gold', grade: 12 },
    },
  } as BookingEventV1;
}

describe(`${AcceptBookingEventsUseCase.name} (real Postgres)`, () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  // What the use case hands its Kafka producer, in send order (the e2e tier sends them for real).
  const sent: OutgoingRecord[] = [];
  let failNextSend = false;
  const forward = async (records: OutgoingRecord[]) => {
    if (failNextSend) {
      failNextSend = false;
      throw new Error('KafkaJSConnectionError: broker unavailable');
    }
    sent.push(...records);
  };
  const ctx = { forward, topic: (base: string) => `int.${base}`, gapTimeoutMs: GAP_TIMEOUT_MS };
  const sut = new AcceptBookingEventsUseCase(db, { ...ctx, driverPseudonymKey: DRIVER_PSEUDONYM_KEY });
  afterAll(() => db.end());

  /** What went to pricing for the booking, in send order: [sequence, ordering]. */
  const forwarded = async (bookingId: string) =>
    sent
      .filter((r) => r.key === bookingId)
      .map((r) => JSON.parse(String(r.value)) as BookingAcceptedV1)
      .map((a) => [a.event.data.sequence, a.ordering]);

  it('forwards in sequence, holds an event that arrives early until the gap is filled, and answers a repeat as a duplicate', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;

    expect(await sut.execute([{ partnerId: 'demo', event: event(bookingId, 1) }, { partnerId: 'demo', event: event(bookingId, 3) }])).toEqual(['accepted', 'held']);
    expect(await forwarded(bookingId)).toEqual([[1, 'in-sequence']]);

    expect(await sut.execute([{ partnerId: 'demo', event: event(bookingId, 2) }, { partnerId: 'demo', event: event(bookingId, 1) }])).toEqual(['accepted', 'duplicate']);
    expect(await forwarded(bookingId)).toEqual([
      [1, 'in-sequence'],
      [2, 'in-sequence'],
      [3, 'in-sequence'],
    ]);
  });

  it('releases a held event once the gap timeout has passed and never before', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const job = new ReleaseHeldEventsJob(db, ctx, pino({ level: 'silent' }));
    const now = new Date();
    expect(await sut.execute([{ partnerId: 'demo', event: event(bookingId, 1) }, { partnerId: 'demo', event: event(bookingId, 3) }], now)).toEqual(['accepted', 'held']);

    await job.tick(new Date(now.getTime() + GAP_TIMEOUT_MS - 1_000));
    expect(await forwarded(bookingId)).toEqual([[1, 'in-sequence']]);

    await job.tick(new Date(now.getTime() + GAP_TIMEOUT_MS + 1_000));
    expect(await forwarded(bookingId)).toEqual([
      [1, 'in-sequence'],
      [3, 'gap-timeout'],
    ]);
  });

  it("stores and forwards the driver's pseudonym and keys, never the partner's reference, also for a held event released after the gap", async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const reference = `drv-REF-${randomUUID().slice(0, 8)}`;
    const named = (sequence: number): BookingEventV1 => {
      const e = event(bookingId, sequence);
      return { ...e, data: { ...e.data, driver: { ...e.data.driver, driverId: reference }, vehicle: { ...e.data.vehicle, ownership: 'peer', ownerDriverId: reference } } };
    };
    const job = new ReleaseHeldEventsJob(db, ctx, pino({ level: 'silent' }));
    const now = new Date();
    expect(await sut.execute([{ partnerId: 'demo', event: named(1) }, { partnerId: 'demo', event: named(3) }], now)).toEqual(['accepted', 'held']);
    await job.tick(new Date(now.getTime() + GAP_TIMEOUT_MS + 1_000));

    const driverKey = driverPseudonym(DRIVER_PSEUDONYM_KEY, 'demo', reference);
    const records = sent.filter((r) => r.key === bookingId).map((r) => String(r.value));
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).not.toContain(reference);
      const accepted = JSON.parse(record) as BookingAcceptedV1;
      expect(accepted.driverKeys).toEqual({ driverKey, sharedDriverKey: sharedDriverPseudonym(DRIVER_PSEUDONYM_KEY, reference) });
      // The owner is hashed alike, so pricing still sees that this driver owns the car.
      expect([accepted.event.data.driver.driverId, accepted.event.data.vehicle.ownerDriverId]).toEqual([driverKey, driverKey]);
    }
    const stored = await db.$queryRaw<{ row: string }[]>`SELECT to_jsonb(e)::text AS row FROM booking_event e WHERE booking_id = ${bookingId}`;
    expect(stored).toHaveLength(2);
    for (const { row } of stored) expect(row).not.toContain(reference);
  });

  it('stores nothing when the send fails, so the redelivered chunk is accepted and sent, not answered as a duplicate', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    failNextSend = true;
    await expect(sut.execute([{ partnerId: 'demo', event: event(bookingId, 1) }, { partnerId: 'demo', event: event(bookingId, 2) }])).rejects.toThrow(/broker unavailable/);
    expect(await forwarded(bookingId)).toEqual([]);
    expect(await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM booking_event WHERE booking_id = ${bookingId}`).toEqual([{ n: 0 }]);

    expect(await sut.execute([{ partnerId: 'demo', event: event(bookingId, 1) }, { partnerId: 'demo', event: event(bookingId, 2) }])).toEqual(['accepted', 'accepted']);
    expect(await forwarded(bookingId)).toEqual([
      [1, 'in-sequence'],
      [2, 'in-sequence'],
    ]);
  });
});
