-- The ops console searches by booking id alone (partners' ids are unique only per partner) and
-- reads "today" figures by bind and open time; without these, 100,000 policies mean full scans.
CREATE INDEX "policy_booking_id_idx" ON "policy"("booking_id");
CREATE INDEX "policy_bound_at_idx" ON "policy"("bound_at");
CREATE INDEX "claim_opened_at_idx" ON "claim"("opened_at");
CREATE INDEX "endorsement_created_at_idx" ON "endorsement"("created_at");
