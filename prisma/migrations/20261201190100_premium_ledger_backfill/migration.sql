-- Backfill of the premium ledger for policies and claims written before it (issue #19): the same
-- posting rules as libs/domain/ledger/src/posting-rules.ts, from the policy, endorsement and claim
-- rows, under the source event ids the services post with (so running it again, or a service
-- posting the same event, adds nothing: unique (source_event_id, rule)). Business instants are the
-- rows' own (bound_at, the endorsement's and the claim's created/opened/updated time); a bind's
-- causing booking event is not on the policy row, so its id is read back from the outbox, or is
-- `{policy}:policy.bound:backfill` when the outbox no longer has it. Withdrawals and closes of
-- claims, which the rows do not date precisely, post at the claim's last update.
CREATE TEMPORARY TABLE ledger_backfill ON COMMIT DROP AS
WITH bound AS (
  SELECT p.*,
         p.premium_yen - coalesce((SELECT sum(e.premium_delta_yen) FROM endorsement e WHERE e.policy_id = p.id), 0) AS written_at_bind,
         coalesce((SELECT e.cover_end_before FROM endorsement e WHERE e.policy_id = p.id AND e.cover_end_before IS NOT NULL ORDER BY e.created_at, e.id LIMIT 1), p.cover_end) AS bound_end
  FROM policy p
  WHERE p.bound_at IS NOT NULL AND p.policy_number IS NOT NULL AND p.status IN ('bound', 'active', 'ended', 'cancelled')
)
SELECT coalesce((SELECT o.event_id FROM outbox o WHERE o.producer = 'policy' AND o.event_id LIKE b.id::text || ':policy.bound:%' ORDER BY o.id LIMIT 1), b.id::text || ':policy.bound:backfill') AS source_event_id,
       'premium-written' AS rule, b.partner_id, b.id AS policy_id, NULL::uuid AS claim_id, b.tariff_version, b.bound_at AS business_at,
       b.cover_start, b.bound_end AS cover_end, 0 AS reduction_yen,
       jsonb_build_array(jsonb_build_object('a', '1100', 'd', b.written_at_bind, 'c', 0), jsonb_build_object('a', '4100', 'd', 0, 'c', b.written_at_bind)) AS lines
FROM bound b WHERE b.written_at_bind > 0
UNION ALL
SELECT p.id::text || ':policy.extended:' || e.cause_id || CASE WHEN e.kind = 'late-return' AND e.cause_id NOT LIKE 'late-return:%' THEN ':late' ELSE '' END,
       CASE WHEN e.kind = 'late-return' THEN 'late-return-premium' ELSE 'extension-premium' END, p.partner_id, p.id, NULL::uuid, p.tariff_version, e.created_at,
       e.cover_end_before, e.cover_end_after, 0,
       jsonb_build_array(jsonb_build_object('a', '1100', 'd', e.premium_delta_yen, 'c', 0), jsonb_build_object('a', '4100', 'd', 0, 'c', e.premium_delta_yen))
FROM endorsement e JOIN policy p ON p.id = e.policy_id
WHERE e.kind IN ('extension', 'late-return') AND e.premium_delta_yen > 0
UNION ALL
SELECT p.id::text || CASE WHEN e.kind = 'end' THEN ':policy.ended:' ELSE ':policy.cancelled:' END || e.cause_id,
       CASE WHEN e.refund_yen > 0 THEN 'return-premium' ELSE 'cover-shortened' END, p.partner_id, p.id, NULL::uuid, p.tariff_version, e.created_at,
       NULL::timestamptz, e.cover_end_after, e.refund_yen,
       CASE WHEN e.refund_yen > 0 THEN jsonb_build_array(jsonb_build_object('a', '4110', 'd', e.refund_yen, 'c', 0), jsonb_build_object('a', '2100', 'd', 0, 'c', e.refund_yen)) ELSE '[]'::jsonb END
FROM endorsement e JOIN policy p ON p.id = e.policy_id
WHERE e.kind IN ('end', 'cancellation') AND (e.refund_yen > 0 OR (e.kind = 'end' AND e.cover_end_after < e.cover_end_before))
UNION ALL
SELECT p.id::text || ':policy.cancelled:' || e.cause_id, 'no-show-fee', p.partner_id, p.id, NULL::uuid, p.tariff_version, e.created_at,
       NULL::timestamptz, e.cover_end_after, p.premium_yen,
       jsonb_build_array(jsonb_build_object('a', '4110', 'd', p.premium_yen, 'c', 0), jsonb_build_object('a', '2100', 'd', 0, 'c', e.refund_yen),
                         jsonb_build_object('a', '4200', 'd', 0, 'c', greatest(0, p.premium_yen - e.refund_yen)))
FROM endorsement e JOIN policy p ON p.id = e.policy_id
WHERE e.kind = 'no-show' AND p.premium_yen > 0
UNION ALL
SELECT c.id::text || ':claim.fnol-opened:' || coalesce((SELECT s.device_id || ':' || s.event_id FROM claim_signal s WHERE s.claim_id = c.id ORDER BY s.received_at, s.id LIMIT 1), 'backfill'),
       'claim-reserve-opened', c.partner_id, c.policy_id, c.id, NULL, c.opened_at, NULL::timestamptz, NULL::timestamptz, 0,
       jsonb_build_array(jsonb_build_object('a', '5100', 'd', c.reserve_yen, 'c', 0), jsonb_build_object('a', '2300', 'd', 0, 'c', c.reserve_yen))
FROM claim c WHERE c.reserve_yen > 0
UNION ALL
SELECT c.id::text || CASE WHEN c.status = 'withdrawn' THEN ':claim.withdrawn:backfill' ELSE ':claim.closed:backfill' END,
       CASE WHEN c.status = 'withdrawn' THEN 'claim-reserve-released' ELSE 'claim-settled' END, c.partner_id, c.policy_id, c.id, NULL, c.updated_at, NULL::timestamptz, NULL::timestamptz, 0,
       jsonb_build_array(jsonb_build_object('a', '2300', 'd', c.reserve_yen, 'c', 0), jsonb_build_object('a', CASE WHEN c.status = 'withdrawn' THEN '5100' ELSE '2400' END, 'd', 0, 'c', c.reserve_yen))
FROM claim c WHERE c.reserve_yen > 0 AND c.status IN ('withdrawn', 'closed');

WITH posted AS (
  INSERT INTO ledger_entry (source_event_id, rule, partner_id, policy_id, claim_id, tariff_version, business_at, period_day, cover_start, cover_end, reduction_yen)
  SELECT source_event_id, rule, partner_id, policy_id, claim_id, tariff_version, business_at, '', cover_start, cover_end, reduction_yen
  FROM ledger_backfill ORDER BY business_at
  ON CONFLICT (source_event_id, rule) DO NOTHING
  RETURNING id, source_event_id, rule
)
INSERT INTO ledger_line (entry_id, line_no, account, debit_yen, credit_yen)
SELECT posted.id, l.ord, l.v->>'a', (l.v->>'d')::bigint, (l.v->>'c')::bigint
FROM posted JOIN ledger_backfill b USING (source_event_id, rule)
CROSS JOIN LATERAL jsonb_array_elements(b.lines) WITH ORDINALITY AS l(v, ord)
WHERE (l.v->>'d')::bigint > 0 OR (l.v->>'c')::bigint > 0;
