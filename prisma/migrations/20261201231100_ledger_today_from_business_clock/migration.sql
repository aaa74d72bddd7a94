-- "Today" for a late ledger entry (its own day or month already closed) is the writer's business
-- instant when the writer names it (set_config('kuruma.business_now', ..., true), local to its
-- transaction), and the database's clock otherwise, as before. A service on a simulated business
-- clock (BUSINESS_CLOCK_*, never in production) closes simulated days; without this its late
-- entries would be posted into the real today instead of the simulated open day.
CREATE OR REPLACE FUNCTION "ledger_entry_period"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  business_day TEXT := to_char(NEW.business_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD');
  writer_now TEXT := nullif(current_setting('kuruma.business_now', true), '');
  today TEXT := to_char(coalesce(writer_now::timestamptz, clock_timestamp()) AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD');
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
