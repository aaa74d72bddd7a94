-- Signals by claim: openClaimFor counts a claim's signals on every alert for the vehicle, and the
-- console lists them. Without this index each of those was a sequential scan of claim_signal
-- (measured: 2,503 scans reading 3.4 million rows for 2,600 alerts in the FNOL benchmark).
CREATE INDEX "claim_signal_claim_id_idx" ON "claim_signal"("claim_id");
