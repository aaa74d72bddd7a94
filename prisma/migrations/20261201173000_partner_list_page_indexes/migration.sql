-- GET /v1/policies and GET /v1/claims page a partner's rows newest first by keyset
-- ((created_at, id) < cursor, resp. (opened_at, id)). Without these, a partner's first page walks
-- the created_at (opened_at) index across every partner's rows and filters; with them each page is
-- one index range of that partner, read backwards, whatever the other partners hold.
CREATE INDEX "policy_partner_id_created_at_id_idx" ON "policy"("partner_id", "created_at", "id");
CREATE INDEX "claim_partner_id_opened_at_id_idx" ON "claim"("partner_id", "opened_at", "id");
