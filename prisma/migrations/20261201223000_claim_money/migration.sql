-- Issue #19: claim payments go out of the insurer's bank account (1000), so the premium ledger's
-- lines may name it. Reserve changes and payments use the existing tables (rules
-- 'claim-reserve-adjusted' and 'claim-paid'; docs/ledger.md).
ALTER TABLE "ledger_line" DROP CONSTRAINT "ledger_line_account";
ALTER TABLE "ledger_line" ADD CONSTRAINT "ledger_line_account"
    CHECK ("account" IN ('1000', '1100', '2100', '2200', '2300', '2400', '4100', '4110', '4200', '4300', '5100'));
