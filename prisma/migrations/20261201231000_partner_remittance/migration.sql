-- Issue #19: a partner's remittance (cash received against its statements) is about the partner,
-- not one policy or claim, like the period-end UPR posting.
ALTER TABLE "ledger_entry" DROP CONSTRAINT "ledger_entry_subject";
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_subject"
    CHECK ("policy_id" IS NOT NULL OR "claim_id" IS NOT NULL OR "rule" IN ('unearned-premium-reserve', 'partner-remittance'));
