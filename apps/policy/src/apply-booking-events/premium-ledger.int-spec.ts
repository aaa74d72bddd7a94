import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookingEventV1, BookingPricedV1 } from '@kuruma/contracts';
import { LedgerRepository, SqlDatabase, type SqlTransactional } from '@kuruma/data-access-db';
import { priceQuote } from '@kuruma/domain-rating';
import { ApplyBookingEventsUseCase } from './apply-booking-events.use-case';

/** The database the int tier's global setup migrates for this run (see tools/harness/test-env.ts). */
const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma_test';

const acceptedAt = new Date();
const inHours = (h: number) => new Date(Math.floor(acceptedAt.getTime() / 60_000) * 60_000 + h * 3_600_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

function priced(bookingId: string, type: BookingEventV1['type'], sequence: number, extra: Record<string, string> = {}): BookingPricedV1 {
  const data = {
    bookingId, partnerId: 'demo', startsAt: inHours(1), endsAt: inHours(40), plan: 'standard' as const, sequence,
    vehicle: { vehicleId: 'v-1', category: 'ordinary' as const, modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet' as const, rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold' as const, grade: 12 },
    ...extra,
  };
  const { sequence: _sequence, ...request } = data;
  const quote = type === 'com.kurumacover.booking.created' || type === 'com.kurumacover.booking.confirmed' ? { quote: priceQuote(request, { now: acceptedAt, vehicleHasOpenDamageClaim: false, omitSources: true }) } : {};
  const event = { specversion: '1.0', id: `${bookingId}-${sequence}`, source: 'partner/demo', type, subject: bookingId, time: acceptedAt.toISOString(), datacontenttype: 'application/json', data };
  return { partnerId: 'demo', ordering: 'in-sequence', acceptedAt: acceptedAt.toISOString(), event, ...quote, pricedAt: acceptedAt.toISOString() } as BookingPricedV1;
}

/** A database whose every transaction dies after its work, before COMMIT: a process killed at the worst moment. */
const killedBeforeCommit = (db: SqlDatabase): SqlTransactional =>
  Object.assign(Object.create(db) as SqlTransactional, {
    $transaction: <T>(work: (tx: Parameters<Parameters<SqlDatabase['$transaction']>[0]>[0]) => Promise<T>) =>
      db.$transaction(async (tx) => {
        // Without $commitNow: the work leaves its COMMIT to the transaction, which never sends it.
        await work({ $executeRaw: tx.$executeRaw.bind(tx), $queryRaw: tx.$queryRaw.bind(tx), $queryRawUnsafe: tx.$queryRawUnsafe.bind(tx) });
        throw new Error('killed before commit');
      }),
  });

describe('premium ledger, written with the policy change (real Postgres)', () => {
  const db = new SqlDatabase({ url: TEST_DATABASE_URL, poolSize: 4 });
  const producer = `policy-ledger-test-${randomUUID().slice(0, 8)}`;
  const sut = new ApplyBookingEventsUseCase(db, producer, (base) => `int.${base}`);
  afterAll(() => db.end());

  const ledgerOf = async (bookingId: string) =>
    db.$queryRaw<{ rule: string; source_event_id: string; debits: string; credits: string; written: string }[]>`
      SELECT e.rule, e.source_event_id, sum(l.debit_yen) AS debits, sum(l.credit_yen) AS credits,
             sum(CASE WHEN l.account = '4100' THEN l.credit_yen - l.debit_yen ELSE 0 END) AS written
      FROM ledger_entry e JOIN policy p ON p.id = e.policy_id LEFT JOIN ledger_line l ON l.entry_id = e.id
      WHERE p.partner_id = 'demo' AND p.booking_id = ${bookingId} GROUP BY e.id ORDER BY e.seq`;

  it('posts bind, extension and early-end entries under the policy events they came with, balanced, the written premium equal to the policy premium', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    await sut.execute([priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2), priced(bookingId, 'com.kurumacover.booking.started', 3)]);
    await sut.execute([priced(bookingId, 'com.kurumacover.booking.extended', 4, { endsAt: inHours(60) })]);
    await sut.execute([priced(bookingId, 'com.kurumacover.booking.ended', 5, { endsAt: inHours(60), endedAt: inHours(20) })]);

    const entries = await ledgerOf(bookingId);
    expect(entries.map((e) => e.rule)).toEqual(['premium-written', 'extension-premium', 'return-premium']);
    for (const e of entries) expect(e.debits).toBe(e.credits);
    const [policy] = await db.$queryRaw<{ premium_yen: number; refund_yen: number }[]>`SELECT premium_yen, refund_yen FROM policy WHERE partner_id = 'demo' AND booking_id = ${bookingId}`;
    expect(entries.reduce((s, e) => s + Number(e.written), 0)).toBe(policy?.premium_yen);
    expect(Number(entries[2]?.debits)).toBe(policy?.refund_yen);
    const published = await db.$queryRaw<{ event_id: string }[]>`SELECT event_id FROM outbox WHERE producer = ${producer} AND key = ${bookingId} ORDER BY id`;
    expect(entries.map((e) => e.source_event_id).every((id) => published.some((p) => p.event_id === id))).toBe(true);
  });

  it('a redelivered booking event posts nothing twice, and neither does the same entry posted again past the inbox', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const chunk = [priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2)];
    await sut.execute(chunk);
    await sut.execute(chunk);
    // A second consumer (another inbox) applying the same event: the policy is already bound, and
    // the ledger's own key (source event, rule) would refuse the entry anyway.
    await new ApplyBookingEventsUseCase(db, `${producer}-other`, (base) => `int.${base}`).execute(chunk);
    const entries = await ledgerOf(bookingId);
    expect(entries.map((e) => e.rule)).toEqual(['premium-written']);

    const [row] = await db.$queryRaw<{ source_event_id: string; partner_id: string; policy_id: string; business_at: Date }[]>`
      SELECT source_event_id, partner_id, policy_id::text, business_at FROM ledger_entry WHERE source_event_id = ${entries[0]?.source_event_id}`;
    const again = { sourceEventId: row?.source_event_id ?? '', rule: 'premium-written' as const, partnerId: 'demo', policyId: row?.policy_id ?? null, claimId: null, tariffVersion: null, businessAt: new Date(), coverStart: null, coverEnd: null, reductionYen: 0, lines: [{ account: '1100' as const, debitYen: 999, creditYen: 0 }, { account: '4100' as const, debitYen: 0, creditYen: 999 }] };
    await db.$transaction((tx) => new LedgerRepository().post(tx, [again]));
    expect(await ledgerOf(bookingId)).toEqual(entries);
  });

  it('a service killed before its commit posts nothing; the redelivery then posts once', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    const chunk = [priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2)];
    await expect(new ApplyBookingEventsUseCase(killedBeforeCommit(db), producer, (base) => `int.${base}`).execute(chunk)).rejects.toThrow(/killed before commit/);
    expect(await ledgerOf(bookingId)).toEqual([]);

    await sut.execute(chunk);
    expect((await ledgerOf(bookingId)).map((e) => e.rule)).toEqual(['premium-written']);
  });

  it('refuses to change or remove what is posted, and refuses an entry that does not balance', async () => {
    const bookingId = `b-${randomUUID().slice(0, 8)}`;
    await sut.execute([priced(bookingId, 'com.kurumacover.booking.created', 1), priced(bookingId, 'com.kurumacover.booking.confirmed', 2)]);
    const [entry] = await ledgerOf(bookingId);
    const id = entry?.source_event_id ?? '';
    await expect(db.$executeRaw`UPDATE ledger_entry SET partner_id = 'rival' WHERE source_event_id = ${id}`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM ledger_line WHERE entry_id = (SELECT id FROM ledger_entry WHERE source_event_id = ${id})`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`UPDATE ledger_line SET debit_yen = 1 WHERE entry_id = (SELECT id FROM ledger_entry WHERE source_event_id = ${id})`).rejects.toThrow(/append-only/);
    const lopsided = { ...{ sourceEventId: `lopsided-${bookingId}`, rule: 'premium-written' as const, partnerId: 'demo', policyId: null, claimId: randomUUID(), tariffVersion: null, businessAt: new Date(), coverStart: null, coverEnd: null, reductionYen: 0 }, lines: [{ account: '1100' as const, debitYen: 10, creditYen: 0 }] };
    await expect(db.$transaction((tx) => new LedgerRepository().post(tx, [lopsided]))).rejects.toThrow(/does not balance/);
    expect((await ledgerOf(bookingId)).map((e) => e.rule)).toEqual(['premium-written']);
  });
});
