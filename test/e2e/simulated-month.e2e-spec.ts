import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic, PartnerTopics, type PremiumBordereauLineV1, type StatementV1 } from '@kuruma/contracts';
import { LedgerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { japanDay, periodBounds, premiumAt } from '@kuruma/domain-ledger';
import { BusinessClock } from '@kuruma/service-kit';
import {
  APP_PORTS,
  checkPremiumLedger,
  connectDevice,
  DEMO_API_KEY,
  ensurePartner,
  freshSeededDatabase,
  KafkaProbe,
  planSimulatedMonth,
  PlatformProcesses,
  publishAlert,
  Random,
  registerDevice,
  RIVAL_KAFKA_AUTH,
  RIVAL_PARTNER_ID,
  runSimulatedMonth,
  sendHeldEvents,
  type SimMonthBooking,
  type SimMonthRun,
  type SimMonthTransport,
  TEST_ENV,
  testTopic,
  waitUntil,
} from '../../tools/harness';

/**
 * The simulated month (issue #19 step 7): booking-ingest, pricing, policy and claims-trigger run on
 * one simulated business clock; two partners' bookings (made ahead, confirmed, started, extended,
 * ended early, on time or late, cancelled, no-shows) and crash alerts are sent at their business
 * instants; the days close on that clock; then, per partner, the statements and both bordereaux
 * (JSON and CSV) of every day reconcile to the policy and claim rows, the ledger checks pass,
 * a closed day renders to the same bytes and ETag twice, and an event that arrives after its day
 * closed posts into the open day as an adjustment naming the original day.
 *
 * Defaults keep it to a few minutes: three business days at 1,800 times real time. The full month
 * recorded in docs/ledger.md is this test with KURUMA_SIM_DAYS=30 (and the rate and volume below).
 * Its services use a database of their own (closing simulated days in the shared one would close
 * the days every other test posts into) and the run's topics and consumer groups.
 */
const DAY = 86_400_000;
const FROM = new Date(process.env['KURUMA_SIM_FROM'] ?? '2026-11-01T00:00:00+09:00');
const DAYS = Number(process.env['KURUMA_SIM_DAYS'] ?? 3);
const RATE = Number(process.env['KURUMA_SIM_RATE'] ?? 1_800);
const PER_DAY = Number(process.env['KURUMA_SIM_BOOKINGS_PER_DAY'] ?? 80);
/** Real time the services get to start before business time reaches FROM. */
const STARTUP_MS = Number(process.env['KURUMA_SIM_STARTUP_MS'] ?? 150_000);
const SEED = Number(process.env['KURUMA_SIM_SEED'] ?? 20261101);
const TO = new Date(FROM.getTime() + DAYS * DAY);
const simDb = `${TEST_ENV['DATABASE_URL']}_simmonth`;
const partners = ['demo', RIVAL_PARTNER_ID] as const;

describe('a simulated month of the premium ledger', () => {
  // Business time reaches FROM STARTUP_MS after the services are spawned.
  const anchor = new Date();
  const clockSettings = { mode: 'simulated' as const, start: new Date(FROM.getTime() - STARTUP_MS * RATE), anchor, rate: RATE };
  const clock = BusinessClock.from(clockSettings);
  const platform = new PlatformProcesses({
    DATABASE_URL: simDb,
    BUSINESS_CLOCK_START: clockSettings.start.toISOString(),
    BUSINESS_CLOCK_ANCHOR: anchor.toISOString(),
    BUSINESS_CLOCK_RATE: String(RATE),
    LEDGER_CLOSE_INTERVAL_MS: '1000',
    // The production lead (2 min) and a tick a few business minutes apart: a late return is
    // extended when its end passes without booking.ended, as in production.
    LATE_RETURN_LEAD_MS: '120000',
    LATE_RETURN_INTERVAL_MS: '250',
  });
  const demo = new KafkaProbe();
  const rival = new KafkaProbe({ producerAuth: RIVAL_KAFKA_AUTH });
  const db = new pg.Pool({ connectionString: simDb });
  const apiKeys: Record<string, string> = { demo: DEMO_API_KEY };
  const gateways = new Map<string, { client: MqttClient; deviceId: string }>();
  let bookings: SimMonthBooking[] = [];
  let run: SimMonthRun;
  let late: SimMonthRun['held'][number];
  let lateDay = '';
  let lateDayBefore: Record<string, { body: Buffer; etag: string | null }> = {};
  const transport: SimMonthTransport = {
    sendBookingEvents: (partnerId, messages) => (partnerId === 'demo' ? demo : rival).produce(testTopic(PartnerTopics.bookingEvents(partnerId)), messages),
    sendCrashAlert: async (booking, alert) => {
      const gateway = gateways.get(booking.vehicleId);
      if (gateway) await publishAlert(gateway.client, deviceTopic(gateway.deviceId, 'crash'), JSON.stringify(alert));
    },
  };

  beforeAll(async () => {
    await freshSeededDatabase(simDb);
    apiKeys[RIVAL_PARTNER_ID] = await ensurePartner(db, RIVAL_PARTNER_ID);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger'], STARTUP_MS + 60_000);
    bookings = planSimulatedMonth(new Random(SEED), { from: FROM, to: TO, bookingsPerDay: PER_DAY, partners, runTag: `${SEED.toString(36)}${Date.now().toString(36)}`, clockRate: RATE });
    // Each car with a crash in the plan has its gateway registered by its partner and connected.
    for (const b of bookings.filter((x) => x.crash)) {
      const creds = await registerDevice(apiKeys[b.partnerId] as string, b.vehicleId, `${b.vehicleId}-gw`);
      gateways.set(b.vehicleId, { client: await connectDevice(creds), deviceId: creds.deviceId });
    }
    // The late event: a cancellation of the first day, held back until that day has closed.
    const candidate = bookings.find((b) => b.ending === 'cancelled' && japanDay(b.events.at(-1)?.at as Date) === japanDay(FROM));
    expect(candidate, 'the plan has a cancellation on its first day').toBeDefined();
    lateDay = japanDay(FROM);
    const ready = clock.nowMs();
    expect(ready, `services ready after business time reached ${FROM.toISOString()}: raise KURUMA_SIM_STARTUP_MS`).toBeLessThan(FROM.getTime());
    const started = Date.now();
    run = await runSimulatedMonth({
      clock,
      bookings,
      transport,
      until: new Date(TO.getTime() + 3_600_000),
      holdBack: (b, e) => b === candidate && e.type === 'com.kurumacover.booking.cancelled',
      onProgress: progress(),
    });
    late = run.held[0] as SimMonthRun['held'][number];
    const endings = Object.fromEntries(['on-time', 'early', 'late', 'extended', 'cancelled', 'no-show'].map((e) => [e, bookings.filter((b) => b.ending === e).length]));
    console.log(`[simulated month] sent ${DAYS} business days in ${Math.round((Date.now() - started) / 1000)} s real; endings ${JSON.stringify(endings)}`);
  }, STARTUP_MS + 600_000 + DAYS * 120_000);

  afterAll(async () => {
    await Promise.all([...gateways.values()].map((g) => g.client.endAsync(true)));
    await platform.stopAll();
    await Promise.all([demo.close(), rival.close()]);
    await db.end();
  });

  it('runs every service on the simulated clock, named in /health', async () => {
    for (const app of ['booking-ingest', 'pricing', 'policy', 'claims-trigger'] as const) {
      const live = (await (await fetch(`http://127.0.0.1:${APP_PORTS[app]}/health/live`)).json()) as { businessClock: { mode: string; rate: number; now: string } };
      expect(live.businessClock).toMatchObject({ mode: 'simulated', rate: RATE });
      expect(Math.abs(Date.parse(live.businessClock.now) - clock.nowMs())).toBeLessThan(60_000 * RATE);
    }
  });

  // Its wait (180 s) needs a timeout above it: under load the pipeline trails the month by over a minute.
  it('binds every booking and brings each to its end in business time: ended, cancelled or no-show', { timeout: 240_000 }, async () => {
    const expected = (b: SimMonthBooking) => (b.ending === 'cancelled' || b.ending === 'no-show' ? 'cancelled' : 'ended');
    const heldBack = late.booking.bookingId;
    const done = await waitUntil(
      async () => {
        const { rows } = await db.query<{ booking_id: string; status: string }>('SELECT booking_id, status FROM policy WHERE booking_id = ANY($1)', [bookings.map((b) => b.bookingId)]);
        const status = new Map(rows.map((r) => [r.booking_id, r.status]));
        return bookings.every((b) => (b.bookingId === heldBack ? status.get(b.bookingId) === 'bound' : status.get(b.bookingId) === expected(b)));
      },
      180_000,
      500,
    );
    expect(done, 'every simulated booking at its final status').toBe(true);
    // Ours only: records other test files left on the run's topics may land in this database too.
    const declined = await db.query('SELECT count(*)::int AS n FROM policy WHERE status = $1 AND booking_id = ANY($2)', ['declined', bookings.map((b) => b.bookingId)]);
    expect(declined.rows[0].n).toBe(0);
    console.log(`[simulated month] ${bookings.length} bookings, ${run.sent} actions, ${run.crashAlerts} crash alerts (${run.withdrawals} withdrawn), runner lag at most ${Math.round(run.maxLagMs / 60_000)} business min`);
  });

  it('closes the simulated days on the simulated clock', async () => {
    const days = Array.from({ length: DAYS }, (_, i) => japanDay(new Date(FROM.getTime() + i * DAY)));
    const closed = await waitUntil(async () => (await db.query('SELECT count(*)::int AS n FROM ledger_period WHERE kind = $1 AND key = ANY($2)', ['day', days])).rows[0].n === DAYS, 60_000, 500);
    expect(closed, 'the simulated days closed').toBe(true);
    // Closed on business time, not real time: today (business) is open.
    const today = japanDay(clock.now());
    expect((await db.query('SELECT 1 FROM ledger_period WHERE kind = $1 AND key = $2', ['day', today])).rowCount).toBe(0);
    for (const p of partners) lateDayBefore = { ...lateDayBefore, ...(await renderAll(p, lateDay, apiKeys[p] as string, `${p}:`)) };
  });

  it('posts an event that arrives after its day closed into the open day, as an adjustment naming the original, and the closed day renders to the same bytes and ETag', async () => {
    await sendHeldEvents([late], transport);
    const booking = late.booking;
    const applied = await waitUntil(async () => (await db.query('SELECT status FROM policy WHERE booking_id = $1', [booking.bookingId])).rows[0]?.status === 'cancelled', 60_000, 500);
    expect(applied, 'the late cancellation applied').toBe(true);
    const { rows } = await db.query<{ period_day: string; original_day: string | null; rule: string }>(
      `SELECT e.period_day, e.original_day, e.rule FROM ledger_entry e JOIN policy p ON p.id = e.policy_id WHERE p.booking_id = $1 AND e.rule = 'return-premium'`,
      [booking.bookingId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.original_day).toBe(lateDay);
    expect(rows[0]?.period_day > lateDay).toBe(true);
    // The closed day, rendered again: byte for byte and ETag for ETag what it was before.
    const after = {} as typeof lateDayBefore;
    for (const p of partners) Object.assign(after, await renderAll(p, lateDay, apiKeys[p] as string, `${p}:`));
    for (const [key, doc] of Object.entries(lateDayBefore)) {
      expect(after[key]?.etag, key).toBe(doc.etag);
      expect(after[key]?.body.equals(doc.body), key).toBe(true);
      expect(doc.etag).toBe(`"sha256-${createHash('sha256').update(doc.body).digest('hex')}"`);
    }
    // The open day it landed in shows it as an adjustment of the original day.
    const adjusting = await statementJson<{ adjustments: number }>(booking.partnerId, rows[0]?.period_day as string, 'statement', apiKeys[booking.partnerId] as string);
    expect(adjusting.adjustments).toBeGreaterThanOrEqual(1);
    const lines = (await statementJson<{ lines: PremiumBordereauLineV1[] }>(booking.partnerId, rows[0]?.period_day as string, 'premium-bordereau', apiKeys[booking.partnerId] as string)).lines;
    expect(lines.find((l) => l.bookingId === booking.bookingId)).toMatchObject({ transactionType: 'return-premium', originalDay: lateDay });
  });

  it('reconciles, per partner, every day\'s statement and bordereaux (JSON and CSV) to the policy and claim rows, and the ledger checks pass', { timeout: 600_000 }, async () => {
    const today = japanDay(clock.now());
    const days: string[] = [];
    for (let t = FROM.getTime(); japanDay(new Date(t)) <= today; t += DAY) days.push(japanDay(new Date(t)));
    const figures: Record<string, Record<string, number>> = {};
    for (const partnerId of partners) {
      const key = apiKeys[partnerId] as string;
      const perPolicy = new Map<string, { gross: number; refunds: number; bound: number }>();
      const perClaim = new Map<string, { opened: number; released: number; settled: number }>();
      const total = { policiesBound: 0, writtenPremiumYen: 0, refundsYen: 0, feesYen: 0, netAmountDueYen: 0, claimReservesOpenedYen: 0, claimReservesReleasedYen: 0 };
      const months = new Map<string, typeof total>();
      for (const day of days) {
        const statement = await statementJson<StatementV1>(partnerId, day, 'statement', key);
        const premium = (await statementJson<{ lines: PremiumBordereauLineV1[] }>(partnerId, day, 'premium-bordereau', key)).lines;
        const claims = (await statementJson<{ lines: { claimNumber: string; reserveOpenedYen: number; reserveReleasedYen: number; settledYen: number }[] }>(partnerId, day, 'claims-bordereau', key)).lines;
        // The statement is the sum of its bordereaux.
        const sum = (f: (l: PremiumBordereauLineV1) => number) => premium.reduce((s, l) => s + f(l), 0);
        expect(statement.policiesBound, `${partnerId} ${day} bound`).toBe(premium.filter((l) => l.transactionType === 'new').length);
        expect(statement.writtenPremiumYen, `${partnerId} ${day} written`).toBe(sum((l) => l.grossPremiumYen));
        expect(statement.returnPremiumYen, `${partnerId} ${day} return premium`).toBe(sum((l) => l.returnPremiumYen));
        expect(statement.feesYen, `${partnerId} ${day} fees`).toBe(sum((l) => l.feeYen));
        expect(statement.refundsYen, `${partnerId} ${day} refunds`).toBe(sum((l) => l.returnPremiumYen - l.feeYen));
        expect(statement.netAmountDueYen, `${partnerId} ${day} net`).toBe(statement.writtenPremiumYen - statement.refundsYen);
        expect(statement.netAmountDueYen, `${partnerId} ${day} net of lines`).toBe(sum((l) => l.netDueYen));
        expect(statement.claimReservesOpenedYen).toBe(claims.reduce((s, l) => s + l.reserveOpenedYen, 0));
        expect(statement.claimReservesReleasedYen).toBe(claims.reduce((s, l) => s + l.reserveReleasedYen, 0));
        // CSV: the same lines and amounts as JSON.
        const csv = await statementCsv(partnerId, day, 'premium-bordereau', key);
        expect(csv.length, `${partnerId} ${day} CSV lines`).toBe(premium.length);
        expect(csv.reduce((s, r) => s + Number(r['grossPremiumYen']), 0)).toBe(statement.writtenPremiumYen);
        expect(csv.reduce((s, r) => s + Number(r['netDueYen']), 0)).toBe(statement.netAmountDueYen);
        for (const l of premium) {
          const p = perPolicy.get(l.policyNumber) ?? { gross: 0, refunds: 0, bound: 0 };
          perPolicy.set(l.policyNumber, { gross: p.gross + l.grossPremiumYen, refunds: p.refunds + l.returnPremiumYen - l.feeYen, bound: p.bound + (l.transactionType === 'new' ? 1 : 0) });
        }
        for (const l of claims) {
          const c = perClaim.get(l.claimNumber) ?? { opened: 0, released: 0, settled: 0 };
          perClaim.set(l.claimNumber, { opened: c.opened + l.reserveOpenedYen, released: c.released + l.reserveReleasedYen, settled: c.settled + l.settledYen });
        }
        const month = months.get(day.slice(0, 7)) ?? { policiesBound: 0, writtenPremiumYen: 0, refundsYen: 0, feesYen: 0, netAmountDueYen: 0, claimReservesOpenedYen: 0, claimReservesReleasedYen: 0 };
        for (const k of Object.keys(total) as (keyof typeof total)[]) {
          total[k] += statement[k];
          month[k] += statement[k];
        }
        months.set(day.slice(0, 7), month);
      }
      // A month's statement is the sum of its days.
      for (const [month, sums] of months) expect(await statementJson<StatementV1>(partnerId, month, 'statement', key), `${partnerId} ${month}`).toMatchObject(sums);
      // Every policy of the partner: its bordereau lines add up to its premium and refunds, bound once.
      const policies = await db.query<{ policy_number: string; premium_yen: number; refund_yen: number }>(
        `SELECT policy_number, premium_yen, refund_yen FROM policy WHERE partner_id = $1 AND policy_number IS NOT NULL AND booking_id = ANY($2)`,
        [partnerId, bookings.map((b) => b.bookingId)],
      );
      expect(policies.rowCount).toBe(bookings.filter((b) => b.partnerId === partnerId).length);
      for (const p of policies.rows) expect(perPolicy.get(p.policy_number), p.policy_number).toEqual({ gross: p.premium_yen, refunds: p.refund_yen, bound: 1 });
      expect(total.policiesBound).toBe(policies.rowCount);
      // Every claim of the partner: its reserve opened once, released when withdrawn.
      const claimRows = await db.query<{ claim_number: string; reserve_yen: number; status: string }>('SELECT claim_number, reserve_yen, status FROM claim WHERE partner_id = $1', [partnerId]);
      expect(perClaim.size).toBe(claimRows.rowCount);
      for (const c of claimRows.rows) {
        expect(perClaim.get(c.claim_number), c.claim_number).toEqual({ opened: c.reserve_yen, released: c.status === 'withdrawn' ? c.reserve_yen : 0, settled: 0 });
      }
      figures[partnerId] = { bookings: bookings.filter((b) => b.partnerId === partnerId).length, claims: claimRows.rowCount ?? 0, ...total };
    }
    const ledger = await checkPremiumLedger(db);
    expect(ledger.differences, JSON.stringify(ledger).slice(0, 2_000)).toBe(0);
    expect(ledger.writtenPremiumYen).toBe(ledger.policyPremiumYen);
    const rules = (await db.query<{ rule: string; n: number }>('SELECT rule, count(*)::int AS n FROM ledger_entry GROUP BY rule ORDER BY rule')).rows;
    console.log(`[simulated month] ${DAYS} business days from ${FROM.toISOString()} at rate ${RATE}; per partner: ${JSON.stringify(figures)}; ledger: ${ledger.entries} entries (${rules.map((r) => `${r.rule} ${r.n}`).join(', ')}), written ${ledger.writtenPremiumYen} yen`);
  });

  it('posts the unearned premium reserve at each day\'s close: per partner, the reserve through a closed day is what was unearned at its end', { timeout: 600_000 }, async () => {
    const sql = new SqlDatabase({ url: simDb, poolSize: 1, applicationName: 'simulated-month-test' });
    const ledger = new LedgerRepository();
    try {
      const closed = (await ledger.closedPeriods(sql, 'day', 1_000)).sort((a, b) => (a.key < b.key ? -1 : 1));
      expect(closed.length).toBeGreaterThanOrEqual(DAYS);
      const upr: Record<string, number[]> = {};
      for (const partnerId of partners) {
        for (const { key: day, closedAt } of closed) {
          // What the ledger held when the day closed, and the reserve the close posted into it. The
          // close holds a SHARE lock, so every entry committed before it has a lower seq than that
          // reserve, and every entry it held back a higher one. posted_at and closed_at are kept to
          // the millisecond: CI once saw the day's own reserve entry stamped in the same millisecond
          // as its close, so `postedAt < closedAt` dropped it. The seq decides (postedAt is the
          // fallback for a day whose close posted no reserve).
          const all = await ledger.entriesWithPlan(sql, periodBounds(day).end);
          const reserveSeqs = all.filter((e) => e.rule === 'unearned-premium-reserve' && e.periodDay === day).map((e) => e.seq);
          const firstReserve = Math.min(...reserveSeqs);
          const seenByClose = (e: (typeof all)[number]) => (reserveSeqs.length ? e.seq < firstReserve || reserveSeqs.includes(e.seq) : e.postedAt < closedAt);
          const known = all.filter((e) => e.partnerId === partnerId && seenByClose(e));
          const reserve = known.filter((e) => e.rule === 'unearned-premium-reserve').reduce((s, e) => s + e.lines.reduce((t, l) => t + (l.account === '2200' ? l.creditYen - l.debitYen : 0), 0), 0);
          expect(reserve, `${partnerId} ${day}`).toBe(premiumAt(known, periodBounds(day).end).unearnedYen);
          (upr[partnerId] ??= []).push(reserve);
        }
      }
      // Bookings made a day ahead leave premium unearned at some midnight: the reserve was posted, not just zero.
      expect(Object.values(upr).flat().some((y) => y > 0)).toBe(true);
      console.log(`[simulated month] UPR at each closed day's end: ${JSON.stringify(upr)}`);
    } finally {
      await sql.end();
    }
  });

  async function fetchStatement(partnerId: string, period: string, kind: string, format: 'json' | 'csv', apiKey: string) {
    const url = `http://127.0.0.1:${APP_PORTS.policy}/v1/statements?period=${period}&kind=${kind}&format=${format}`;
    const res = await fetch(url, { headers: { 'x-api-key': apiKey } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${partnerId} ${url} answered ${res.status}: ${body.toString().slice(0, 300)}`);
    return { body, etag: res.headers.get('etag') };
  }

  async function statementJson<T>(partnerId: string, period: string, kind: string, apiKey: string): Promise<T> {
    return JSON.parse((await fetchStatement(partnerId, period, kind, 'json', apiKey)).body.toString()) as T;
  }

  /** RFC 4180 rows as objects by header (the amounts and ids here hold no quotes or commas). */
  async function statementCsv(partnerId: string, period: string, kind: string, apiKey: string): Promise<Record<string, string>[]> {
    const [header, ...rows] = (await fetchStatement(partnerId, period, kind, 'csv', apiKey)).body.toString().split('\r\n').filter(Boolean);
    const names = (header ?? '').split(',');
    return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i], v.replace(/^"|"$/g, '')])));
  }

  async function renderAll(partnerId: string, period: string, apiKey: string, prefix: string) {
    const out: Record<string, { body: Buffer; etag: string | null }> = {};
    for (const kind of ['statement', 'premium-bordereau', 'claims-bordereau']) {
      for (const format of ['json', 'csv'] as const) out[`${prefix}${kind}.${format}`] = await fetchStatement(partnerId, period, kind, format, apiKey);
    }
    return out;
  }

  function progress() {
    let last = 0;
    return (p: { businessNow: Date; sent: number; total: number; crashAlerts: number }) => {
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      console.log(`[simulated month] business ${p.businessNow.toISOString()} | ${p.sent}/${p.total} actions sent | ${p.crashAlerts} crash alerts`);
    };
  }
});
