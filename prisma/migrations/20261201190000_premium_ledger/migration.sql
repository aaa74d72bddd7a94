-- The premium ledger (issue #19, docs/ledger.md): double-entry journal entries in integer yen,
-- written by policy and claims-trigger in the same transaction as the change that causes them,
-- once per (causing event, posting rule), append-only, and periods (Japan days and months) that,
-- once closed, never change.
CREATE TABLE "ledger_entry" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    -- Posting order (ties of the business instant are earned in this order).
    "seq" BIGSERIAL NOT NULL,
    "source_event_id" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "policy_id" UUID,
    "claim_id" UUID,
    "tariff_version" TEXT,
    "business_at" TIMESTAMPTZ(3) NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    -- The Japan day the entry posts into: its business day, or (set by the trigger below) the open
    -- day when the business day or its month is already closed; then original_day is the business day.
    "period_day" TEXT NOT NULL,
    "original_day" TEXT,
    "cover_start" TIMESTAMPTZ(3),
    "cover_end" TIMESTAMPTZ(3),
    "reduction_yen" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ledger_entry_seq_key" UNIQUE ("seq"),
    CONSTRAINT "ledger_entry_cause_key" UNIQUE ("source_event_id", "rule"),
    CONSTRAINT "ledger_entry_reduction" CHECK ("reduction_yen" >= 0),
    CONSTRAINT "ledger_entry_subject" CHECK ("policy_id" IS NOT NULL OR "claim_id" IS NOT NULL OR "rule" = 'unearned-premium-reserve')
);
CREATE INDEX "ledger_entry_partner_period_idx" ON "ledger_entry"("partner_id", "period_day");
CREATE INDEX "ledger_entry_period_idx" ON "ledger_entry"("period_day");
CREATE INDEX "ledger_entry_policy_idx" ON "ledger_entry"("policy_id");
CREATE INDEX "ledger_entry_claim_idx" ON "ledger_entry"("claim_id");

CREATE TABLE "ledger_line" (
    "entry_id" UUID NOT NULL,
    "line_no" SMALLINT NOT NULL,
    "account" TEXT NOT NULL,
    "debit_yen" BIGINT NOT NULL DEFAULT 0,
    "credit_yen" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "ledger_line_pkey" PRIMARY KEY ("entry_id", "line_no"),
    CONSTRAINT "ledger_line_entry_fkey" FOREIGN KEY ("entry_id") REFERENCES "ledger_entry"("id"),
    CONSTRAINT "ledger_line_account" CHECK ("account" IN ('1100', '2100', '2200', '2300', '2400', '4100', '4110', '4200', '4300', '5100')),
    CONSTRAINT "ledger_line_one_sided" CHECK ("debit_yen" >= 0 AND "credit_yen" >= 0 AND ("debit_yen" = 0 OR "credit_yen" = 0))
);
CREATE INDEX "ledger_line_account_idx" ON "ledger_line"("account");

-- A closed period: a Japan day (YYYY-MM-DD) or month (YYYY-MM). Closing is inserting its row.
CREATE TABLE "ledger_period" (
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "closed_by" TEXT NOT NULL,
    CONSTRAINT "ledger_period_pkey" PRIMARY KEY ("kind", "key"),
    CONSTRAINT "ledger_period_key" CHECK (("kind" = 'day' AND "key" ~ '^\d{4}-\d{2}-\d{2}$') OR ("kind" = 'month' AND "key" ~ '^\d{4}-\d{2}$'))
);

-- Append-only: no entry, line or period close is ever changed or removed.
CREATE FUNCTION "ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER "ledger_entry_append_only" BEFORE UPDATE OR DELETE ON "ledger_entry" FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_line_append_only" BEFORE UPDATE OR DELETE ON "ledger_line" FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_period_append_only" BEFORE UPDATE OR DELETE ON "ledger_period" FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_entry_no_truncate" BEFORE TRUNCATE ON "ledger_entry" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_line_no_truncate" BEFORE TRUNCATE ON "ledger_line" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_period_no_truncate" BEFORE TRUNCATE ON "ledger_period" FOR EACH STATEMENT EXECUTE FUNCTION "ledger_append_only"();

-- The period an entry posts into is decided here, not by the writer: its business day, unless
-- that day or its month is closed, in which case the entry is an adjustment posted into today's
-- (Japan) day, naming the original day. The close job holds a SHARE lock on ledger_entry while it
-- closes, so no entry commits into a period as it closes.
CREATE FUNCTION "ledger_entry_period"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  business_day TEXT := to_char(NEW.business_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD');
  today TEXT := to_char(clock_timestamp() AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD');
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_period WHERE (kind = 'day' AND key = business_day) OR (kind = 'month' AND key = left(business_day, 7))) THEN
    IF EXISTS (SELECT 1 FROM ledger_period WHERE (kind = 'day' AND key = today) OR (kind = 'month' AND key = left(today, 7))) THEN
      RAISE EXCEPTION 'no open period for an entry of %: today % is closed too', business_day, today USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    NEW.period_day := today;
    NEW.original_day := business_day;
  ELSE
    NEW.period_day := business_day;
    NEW.original_day := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "ledger_entry_period" BEFORE INSERT ON "ledger_entry" FOR EACH ROW EXECUTE FUNCTION "ledger_entry_period"();

-- Every entry balances: checked at commit, once its lines are in.
CREATE FUNCTION "ledger_entry_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d BIGINT;
  c BIGINT;
BEGIN
  SELECT coalesce(sum(debit_yen), 0), coalesce(sum(credit_yen), 0) INTO d, c FROM ledger_line WHERE entry_id = NEW.entry_id;
  IF d <> c THEN
    RAISE EXCEPTION 'ledger entry % does not balance: debits % credits %', NEW.entry_id, d, c USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "ledger_line_balanced" AFTER INSERT ON "ledger_line" DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_balanced"();
