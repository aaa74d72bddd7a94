import type pg from 'pg';

/**
 * What the premium ledger must show after any run (docs/ledger.md), and what `npm run reconcile`
 * and the chaos run check: every entry balances and so does every period; each bound policy's
 * ledger premium equals its premium (bind + endorsements) and its refunds its refunds; every
 * policy and claim event that moved money (in the outbox's retention) has its entry, and no
 * policy or claim has a money effect posted twice under two causes. Read-only.
 */
export interface PremiumLedgerReport {
  entries: number;
  /** Entries whose lines do not balance (the commit-time trigger makes this 0). */
  unbalancedEntries: string[];
  /** Japan days (period_day) whose debits and credits differ. */
  unbalancedPeriods: string[];
  /** `{policyId}: ledger written X, policy premium Y` (or refunds), grouped by the Japan month of the bind. */
  premiumMismatches: Record<string, string[]>;
  /** Outbox events with money and no ledger entry (lost). */
  eventsWithoutEntries: string[];
  /** A policy or claim with the same money effect posted under two causes (doubled). */
  doubled: string[];
  /**
   * Unearned premium reserve postings that break their rules: one posted after its day closed (an
   * adjustment: the close must post it first), one on accounts other than 2200/4300, or a partner
   * whose reserve is negative.
   */
  uprBreaches: string[];
  /** Ledger totals (yen), for the record. */
  writtenPremiumYen: number;
  policyPremiumYen: number;
  differences: number;
}

/**
 * A policy event or claim event (in the outbox) that moves money. An OR of two conditions: always
 * put it in parentheses (without them the first full chaos run reported every policy event lost).
 */
const MONEY_EVENTS = `
  (o.producer = 'policy' AND (
     (regexp_replace(o.payload::jsonb ->> 'type', '^com[.]kurumacover[.]', '') = 'policy.bound' AND (o.payload::jsonb -> 'data' ->> 'premium')::int > 0)
  OR (regexp_replace(o.payload::jsonb ->> 'type', '^com[.]kurumacover[.]', '') = 'policy.extended' AND (o.payload::jsonb -> 'data' ->> 'premiumDelta')::int > 0)
  OR (regexp_replace(o.payload::jsonb ->> 'type', '^com[.]kurumacover[.]', '') IN ('policy.ended', 'policy.cancelled') AND ((o.payload::jsonb -> 'data' ->> 'refund')::int > 0 OR o.payload::jsonb -> 'data' ->> 'reason' = 'no-show'))))
  OR (o.producer = 'claims-trigger' AND regexp_replace(o.payload::jsonb ->> 'type', '^com[.]kurumacover[.]', '') IN ('claim.fnol-opened', 'claim.withdrawn') AND (o.payload::jsonb -> 'data' ->> 'reserve')::int > 0)`;

export async function checkPremiumLedger(db: pg.Client | pg.Pool, opts: { limit?: number } = {}): Promise<PremiumLedgerReport> {
  const limit = opts.limit ?? 1000;
  const count = await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entry');
  const unbalancedEntries = await db.query<{ id: string }>(`
    SELECT e.source_event_id || ' ' || e.rule AS id FROM ledger_entry e LEFT JOIN ledger_line l ON l.entry_id = e.id
    GROUP BY e.id HAVING coalesce(sum(l.debit_yen), 0) <> coalesce(sum(l.credit_yen), 0) LIMIT $1`, [limit]);
  const unbalancedPeriods = await db.query<{ day: string }>(`
    SELECT e.period_day AS day FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
    GROUP BY e.period_day HAVING sum(l.debit_yen) <> sum(l.credit_yen) ORDER BY 1 LIMIT $1`, [limit]);
  const mismatches = await db.query<{ month: string; line: string }>(`
    WITH ledger AS (
      SELECT e.policy_id,
             sum(CASE WHEN l.account = '4100' THEN l.credit_yen - l.debit_yen ELSE 0 END) AS written,
             sum(CASE WHEN l.account = '2100' THEN l.credit_yen - l.debit_yen ELSE 0 END) AS refunds
      FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id WHERE e.claim_id IS NULL AND e.policy_id IS NOT NULL GROUP BY e.policy_id)
    SELECT to_char(p.bound_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month,
           p.id::text || ': ledger written ' || coalesce(g.written, 0) || ', policy premium ' || p.premium_yen
             || '; ledger refunds ' || coalesce(g.refunds, 0) || ', policy refunds ' || p.refund_yen AS line
    FROM policy p LEFT JOIN ledger g ON g.policy_id = p.id
    WHERE p.bound_at IS NOT NULL AND p.policy_number IS NOT NULL AND p.status IN ('bound', 'active', 'ended', 'cancelled')
      AND (coalesce(g.written, 0) <> p.premium_yen OR coalesce(g.refunds, 0) <> p.refund_yen)
    ORDER BY 1, 2 LIMIT $1`, [limit]);
  const premiumMismatches: Record<string, string[]> = {};
  for (const m of mismatches.rows) (premiumMismatches[m.month] ??= []).push(m.line);
  const lost = await db.query<{ id: string }>(`
    SELECT o.event_id AS id FROM outbox o
    WHERE o.payload IS NOT NULL AND (${MONEY_EVENTS})
      AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.source_event_id = o.event_id)
    ORDER BY o.id LIMIT $1`, [limit]);
  const doubled = await db.query<{ id: string }>(`
    SELECT coalesce(claim_id::text, policy_id::text) || ' ' || rule || ' x' || count(*) AS id FROM ledger_entry
    WHERE rule IN ('premium-written', 'no-show-fee', 'claim-reserve-opened', 'claim-reserve-released', 'claim-settled')
    GROUP BY coalesce(claim_id::text, policy_id::text), rule HAVING count(*) > 1 LIMIT $1`, [limit]);
  const upr = await db.query<{ id: string }>(`
    SELECT source_event_id || ' posted as an adjustment of ' || original_day AS id FROM ledger_entry WHERE rule = 'unearned-premium-reserve' AND original_day IS NOT NULL
    UNION ALL
    SELECT DISTINCT e.source_event_id || ' on account ' || l.account FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
    WHERE e.rule = 'unearned-premium-reserve' AND l.account NOT IN ('2200', '4300')
    UNION ALL
    SELECT e.partner_id || ' reserve ' || sum(l.credit_yen - l.debit_yen) FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id
    WHERE l.account = '2200' GROUP BY e.partner_id HAVING sum(l.credit_yen - l.debit_yen) < 0
    LIMIT $1`, [limit]);
  const totals = await db.query<{ written: string | null; premium: string | null }>(`
    SELECT (SELECT sum(credit_yen - debit_yen) FROM ledger_line WHERE account = '4100') AS written,
           (SELECT sum(premium_yen) FROM policy WHERE bound_at IS NOT NULL AND policy_number IS NOT NULL AND status IN ('bound', 'active', 'ended', 'cancelled')) AS premium`);
  const report: PremiumLedgerReport = {
    entries: Number(count.rows[0]?.n ?? 0),
    unbalancedEntries: unbalancedEntries.rows.map((r) => r.id),
    unbalancedPeriods: unbalancedPeriods.rows.map((r) => r.day),
    premiumMismatches,
    eventsWithoutEntries: lost.rows.map((r) => r.id),
    doubled: doubled.rows.map((r) => r.id),
    uprBreaches: upr.rows.map((r) => r.id),
    writtenPremiumYen: Number(totals.rows[0]?.written ?? 0),
    policyPremiumYen: Number(totals.rows[0]?.premium ?? 0),
    differences: 0,
  };
  report.differences =
    report.unbalancedEntries.length + report.unbalancedPeriods.length + mismatches.rows.length + report.eventsWithoutEntries.length + report.doubled.length + report.uprBreaches.length;
  return report;
}

/** One short phrase per kind of breach in a report, with a few examples of each, for a run's violations. */
export function premiumLedgerBreaches(r: PremiumLedgerReport): string[] {
  const few = (ids: string[]): string => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', ...' : '');
  const mismatches = Object.values(r.premiumMismatches).flat();
  const out: string[] = [];
  if (r.unbalancedEntries.length) out.push(`${r.unbalancedEntries.length} unbalanced entries (${few(r.unbalancedEntries)})`);
  if (r.unbalancedPeriods.length) out.push(`${r.unbalancedPeriods.length} unbalanced days (${few(r.unbalancedPeriods)})`);
  if (mismatches.length) out.push(`${mismatches.length} policies whose ledger premium or refunds differ (${few(mismatches)})`);
  if (r.eventsWithoutEntries.length) out.push(`${r.eventsWithoutEntries.length} money events without an entry, lost (${few(r.eventsWithoutEntries)})`);
  if (r.doubled.length) out.push(`${r.doubled.length} money effects posted twice (${few(r.doubled)})`);
  if (r.uprBreaches.length) out.push(`${r.uprBreaches.length} unearned premium reserve postings against their rules (${few(r.uprBreaches)})`);
  return out;
}
