import type { JournalEntry, JournalLine, PeriodKind, StatementEntry } from '@kuruma/domain-ledger';
import type { DatabaseTx } from '../prisma-client.factory';
import { fixedStatement } from '../sql/sql-database';

/** A journal entry as the ledger holds it: with its posting instant and the period it posted into. */
export interface PostedEntry extends JournalEntry {
  id: string;
  seq: number;
  postedAt: Date;
  /** The Japan day it posted into. */
  periodDay: string;
  /** Set when its business day was already closed: this entry is an adjustment of that day. */
  originalDay: string | null;
}

interface PostedRow extends Omit<PostedEntry, 'lines' | 'seq'> {
  seq: string;
  lines: { account: JournalLine['account']; debitYen: string | number; creditYen: string | number }[] | null;
}

const ENTRY_COLUMNS = `e.id::text, e.seq, e.source_event_id AS "sourceEventId", e.rule, e.partner_id AS "partnerId", e.policy_id::text AS "policyId",
  e.claim_id::text AS "claimId", e.tariff_version AS "tariffVersion", e.business_at AS "businessAt", e.posted_at AS "postedAt",
  e.period_day AS "periodDay", e.original_day AS "originalDay", e.cover_start AS "coverStart", e.cover_end AS "coverEnd",
  e.reduction_yen AS "reductionYen",
  (SELECT json_agg(json_build_object('account', l.account, 'debitYen', l.debit_yen, 'creditYen', l.credit_yen) ORDER BY l.line_no)
     FROM ledger_line l WHERE l.entry_id = e.id) AS lines`;

const toPosted = (r: PostedRow): PostedEntry => ({
  ...r,
  seq: Number(r.seq),
  lines: (r.lines ?? []).map((l) => ({ account: l.account, debitYen: Number(l.debitYen), creditYen: Number(l.creditYen) })),
});

const STATEMENT_COLUMNS = `e.source_event_id AS "sourceEventId", e.rule, e.claim_id::text AS "claimId", e.tariff_version AS "tariffVersion",
  e.business_at AS "businessAt", e.cover_end AS "coverEnd", e.period_day AS "periodDay", e.original_day AS "originalDay",
  (SELECT json_agg(json_build_object('account', l.account, 'debitYen', l.debit_yen, 'creditYen', l.credit_yen) ORDER BY l.line_no)
     FROM ledger_line l WHERE l.entry_id = e.id) AS lines,
  CASE WHEN p.id IS NOT NULL AND e.claim_id IS NULL THEN json_build_object('policyNumber', p.policy_number, 'bookingId', p.booking_id, 'plan', p.plan, 'coverStart', p.cover_start) END AS policy,
  CASE WHEN c.id IS NOT NULL THEN json_build_object('claimNumber', c.claim_number, 'policyNumber', c.policy_number, 'bookingId', c.booking_id,
    'occurredAt', c.occurred_at, 'openedAt', c.opened_at, 'cause', c.cause) END AS claim`;

type StatementRow = Omit<StatementEntry, 'lines' | 'policy' | 'claim'> & {
  lines: PostedRow['lines'];
  policy: { policyNumber: string | null; bookingId: string; plan: string; coverStart: string | null } | null;
  claim: { claimNumber: string; policyNumber: string; bookingId: string; occurredAt: string; openedAt: string; cause: string } | null;
};

const toStatementEntry = (r: StatementRow): StatementEntry => ({
  ...r,
  lines: (r.lines ?? []).map((l) => ({ account: l.account, debitYen: Number(l.debitYen), creditYen: Number(l.creditYen) })),
  policy: r.policy ? { policyNumber: r.policy.policyNumber ?? '', bookingId: r.policy.bookingId, plan: r.policy.plan, coverStart: r.policy.coverStart ? new Date(r.policy.coverStart) : null } : null,
  claim: r.claim ? { ...r.claim, occurredAt: new Date(r.claim.occurredAt), openedAt: new Date(r.claim.openedAt) } : null,
});

/**
 * A posting as the first common table expressions of a statement (`WITH cfg ..., lines AS (...)`),
 * split at its 16 parameters (postingParameters), as fixedStatement takes them: one statement can
 * post and make another write in the same round trip (enqueueOutbox does). The writer's business
 * instant is set in the statement's own round trip: `e` reads `cfg`, so no entry row (and no run
 * of the period trigger, which reads the setting) exists before it is set. Without a business
 * instant the transaction's setting, if an earlier post made one, stays.
 */
export const LEDGER_POSTING_CTES: readonly string[] = Object.freeze([
  `WITH cfg AS (
    SELECT set_config('kuruma.business_now', coalesce(`,
  `::text, current_setting('kuruma.business_now', true), ''), true) AS business_now
  ), e AS (
    SELECT x.* FROM cfg, unnest(`,
  '::text[], ',
  '::text[], ',
  `::text[],
                         `,
  '::uuid[], ',
  '::uuid[], ',
  `::text[],
                         `,
  '::timestamptz[], ',
  `::timestamptz[],
                         `,
  '::timestamptz[], ',
  `::int[])
      WITH ORDINALITY AS x(src, rule, partner, policy, claim, tariff, business, cstart, cend, reduction, n)
  ), posted AS (
    INSERT INTO ledger_entry (source_event_id, rule, partner_id, policy_id, claim_id, tariff_version, business_at, period_day, cover_start, cover_end, reduction_yen)
    SELECT src, rule, partner, policy, claim, tariff, business, '', cstart, cend, reduction FROM e ORDER BY n
    ON CONFLICT (source_event_id, rule) DO NOTHING
    RETURNING id, source_event_id, rule
  ), lines AS (
    INSERT INTO ledger_line (entry_id, line_no, account, debit_yen, credit_yen)
    SELECT posted.id, l.no, l.account, l.d, l.c
    FROM unnest(`,
  '::int[], ',
  '::smallint[], ',
  '::text[], ',
  '::bigint[], ',
  `::bigint[]) AS l(n, no, account, d, c)
    JOIN e ON e.n = l.n
    JOIN posted ON posted.source_event_id = e.src AND posted.rule = e.rule
  )`,
]);

/** Statement parts `a` followed by parts `b`, the last of `a` and the first of `b` joined by `glue`. */
export function joinedStatementParts(a: readonly string[], glue: string, b: readonly string[]): string[] {
  return [...a.slice(0, -1), `${a[a.length - 1]}${glue}${b[0]}`, ...b.slice(1)];
}

// A data-modifying CTE runs to completion whether or not the query reads it.
const POST = fixedStatement(...joinedStatementParts(LEDGER_POSTING_CTES, ' ', ['SELECT NULL']));

/**
 * The parameters of LEDGER_POSTING_CTES for the entries not posted yet (one per source event and
 * rule, the last given winning), or null when there is nothing to post.
 */
export function postingParameters(entries: readonly JournalEntry[], businessNow?: Date): unknown[] | null {
  const unique = new Map<string, JournalEntry>();
  for (const e of entries) unique.set(`${e.sourceEventId}\u0000${e.rule}`, e);
  const list = [...unique.values()];
  if (list.length === 0) return null;
  const lines = list.flatMap((e, n) => e.lines.map((l, i) => ({ n: n + 1, no: i + 1, ...l })));
  return [
    businessNow?.toISOString() ?? null,
    list.map((e) => e.sourceEventId), list.map((e) => e.rule), list.map((e) => e.partnerId),
    list.map((e) => e.policyId), list.map((e) => e.claimId), list.map((e) => e.tariffVersion),
    list.map((e) => e.businessAt), list.map((e) => e.coverStart),
    list.map((e) => e.coverEnd), list.map((e) => e.reductionYen),
    lines.map((l) => l.n), lines.map((l) => l.no), lines.map((l) => l.account),
    lines.map((l) => l.debitYen), lines.map((l) => l.creditYen),
  ];
}

/**
 * The premium ledger's tables (migration 20261201190000). Entries are written by the service whose
 * change causes them, inside that change's transaction; the key (source event, rule) makes a
 * redelivered or replayed change post nothing twice. The database decides the period an entry
 * posts into and refuses any change to what is posted.
 */
export class LedgerRepository {
  /** Posts the entries not posted yet (by source event and rule); one round trip. */
  /**
   * `businessNow`: the writer's business instant, which decides "today" for an entry whose own day
   * is closed (the insert trigger posts it there as an adjustment). Without it the database's clock
   * decides, as before; a process on a simulated business clock must pass it, or a late entry of a
   * simulated day would land in the real today.
   */
  async post(tx: DatabaseTx, entries: readonly JournalEntry[], businessNow?: Date): Promise<void> {
    const values = postingParameters(entries, businessNow);
    if (values) await tx.$executeRaw(POST, ...values);
  }

  /**
   * A claim's claims-payable account: settled (credited on close) and paid (debited by payments),
   * and the amount of the payment already posted under `paymentSourceId`, if any (null without one).
   */
  async claimPayable(tx: DatabaseTx, claimId: string, paymentSourceId?: string): Promise<{ settledYen: number; paidYen: number; samePaymentYen: number | null }> {
    const [row] = await tx.$queryRaw<{ settled: bigint | null; paid: bigint | null; same: bigint | null }[]>`
      SELECT sum(l.credit_yen) AS settled, sum(l.debit_yen) AS paid,
             sum(l.debit_yen) FILTER (WHERE e.source_event_id = ${paymentSourceId ?? null}::text AND e.rule = 'claim-paid') AS same
      FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
      WHERE e.claim_id = ${claimId}::uuid AND l.account = '2400'`;
    return { settledYen: Number(row?.settled ?? 0), paidYen: Number(row?.paid ?? 0), samePaymentYen: row?.same === null || row?.same === undefined ? null : Number(row.same) };
  }

  /**
   * What a partner owes now: its receivable (1100, a debit balance) less the refunds payable to it
   * (2100, a credit balance), as one sum of debit - credit over both accounts, yen.
   */
  async partnerBalanceDue(tx: DatabaseTx, partnerId: string): Promise<number> {
    const [row] = await tx.$queryRaw<{ due: bigint | null }[]>`
      SELECT sum(l.debit_yen - l.credit_yen) AS due
      FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id WHERE e.partner_id = ${partnerId} AND l.account IN ('1100', '2100')`;
    return Number(row?.due ?? 0);
  }

  /** A partner's (or every partner's) entries posted into the Japan days [fromDay, toDay], in posting order. */
  async entriesPostedIn(tx: DatabaseTx, q: { partnerId?: string; fromDay: string; toDay: string }): Promise<PostedEntry[]> {
    const rows = await tx.$queryRawUnsafe<PostedRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entry e
       WHERE e.period_day BETWEEN $1 AND $2 AND ($3::text IS NULL OR e.partner_id = $3) ORDER BY e.seq`,
      q.fromDay,
      q.toDay,
      q.partnerId ?? null,
    );
    return rows.map(toPosted);
  }

  /** Every entry of the policies and claims of a partner (or all), up to a posting day: for earned premium. */
  async entriesUpTo(tx: DatabaseTx, q: { partnerId?: string; toDay: string }): Promise<PostedEntry[]> {
    const rows = await tx.$queryRawUnsafe<PostedRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entry e WHERE e.period_day <= $1 AND ($2::text IS NULL OR e.partner_id = $2) ORDER BY e.seq`,
      q.toDay,
      q.partnerId ?? null,
    );
    return rows.map(toPosted);
  }

  /**
   * A partner's entries posted into the Japan days [fromDay, toDay] with the policy and claim facts
   * statements print (ones that never change after bind or first notice), and every entry of the
   * claims among them posted up to toDay (for the reserve outstanding).
   */
  async statementEntries(tx: DatabaseTx, q: { partnerId: string; fromDay: string; toDay: string }): Promise<{ entries: StatementEntry[]; claimHistory: StatementEntry[] }> {
    const from = `FROM ledger_entry e LEFT JOIN policy p ON p.id = e.policy_id LEFT JOIN claim c ON c.id = e.claim_id`;
    const entries = await tx.$queryRawUnsafe<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} ${from} WHERE e.partner_id = $1 AND e.period_day BETWEEN $2 AND $3 ORDER BY e.seq`,
      q.partnerId,
      q.fromDay,
      q.toDay,
    );
    const claimHistory = await tx.$queryRawUnsafe<StatementRow[]>(
      `SELECT ${STATEMENT_COLUMNS} ${from} WHERE e.partner_id = $1 AND e.period_day <= $3 AND e.claim_id IN (
         SELECT claim_id FROM ledger_entry WHERE partner_id = $1 AND period_day BETWEEN $2 AND $3 AND claim_id IS NOT NULL) ORDER BY e.seq`,
      q.partnerId,
      q.fromDay,
      q.toDay,
    );
    return { entries: entries.map(toStatementEntry), claimHistory: claimHistory.map(toStatementEntry) };
  }

  /**
   * Every entry whose business instant is before `to`, with the plan of its policy: what earned
   * premium, incurred losses and the console's figures are computed from.
   */
  async entriesWithPlan(tx: DatabaseTx, to: Date): Promise<(PostedEntry & { plan: string | null })[]> {
    const rows = await tx.$queryRawUnsafe<(PostedRow & { plan: string | null })[]>(
      `SELECT ${ENTRY_COLUMNS}, p.plan FROM ledger_entry e LEFT JOIN policy p ON p.id = e.policy_id WHERE e.business_at < $1 ORDER BY e.seq`,
      to,
    );
    return rows.map((r) => ({ ...toPosted(r), plan: r.plan }));
  }

  /** Whether a Japan day or month is closed. */
  async isClosed(tx: DatabaseTx, kind: PeriodKind, key: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ n: number }[]>`SELECT 1 AS n FROM ledger_period WHERE kind = ${kind} AND key = ${key}`;
    return rows.length > 0;
  }

  /** Holds entries being posted (SHARE lock) until this transaction, which closes periods, commits. */
  async lockForClose(tx: DatabaseTx): Promise<void> {
    await tx.$executeRaw`LOCK TABLE ledger_entry IN SHARE MODE`;
  }

  /** The keys of every closed period of a kind (which days a close still has to do). */
  async closedKeys(tx: DatabaseTx, kind: PeriodKind): Promise<Set<string>> {
    const rows = await tx.$queryRaw<{ key: string }[]>`SELECT key FROM ledger_period WHERE kind = ${kind}`;
    return new Set(rows.map((r) => r.key));
  }

  /** Closed periods, newest first. */
  async closedPeriods(tx: DatabaseTx, kind: PeriodKind, limit = 400): Promise<{ key: string; closedAt: Date }[]> {
    return tx.$queryRaw`SELECT key, closed_at AS "closedAt" FROM ledger_period WHERE kind = ${kind} ORDER BY key DESC LIMIT ${limit}`;
  }

  /**
   * Closes periods: waits for the transactions posting entries to commit and holds new ones until
   * this one commits (SHARE lock), so nothing commits into a period as it closes. Already closed
   * ones are left as they were. Returns the keys it closed.
   */
  async close(tx: DatabaseTx, kind: PeriodKind, keys: readonly string[], by: string): Promise<string[]> {
    if (keys.length === 0) return [];
    await tx.$executeRaw`LOCK TABLE ledger_entry IN SHARE MODE`;
    const rows = await tx.$queryRaw<{ key: string }[]>`
      INSERT INTO ledger_period (kind, key, closed_by) SELECT ${kind}, k, ${by} FROM unnest(${[...keys]}::text[]) AS k
      ON CONFLICT (kind, key) DO NOTHING RETURNING key`;
    return rows.map((r) => r.key).sort();
  }

  /** The first business instant the ledger holds, or null when it is empty: where closing starts. */
  async firstBusinessAt(tx: DatabaseTx): Promise<Date | null> {
    const rows = await tx.$queryRaw<{ at: Date | null }[]>`SELECT min(business_at) AS at FROM ledger_entry`;
    return rows[0]?.at ?? null;
  }
}
