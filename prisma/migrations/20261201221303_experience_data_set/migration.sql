-- The experience data set (issue #21 step 1): every covered interval with its rating variables and
-- exposure, and every claim with its incurred and reserve development, for the calibration
-- (`npm run calibrate`) and for an actuary's own tools (`npm run experience:export`).
--
-- Plain views over the system of record rather than a table a job fills: the rows they read
-- (policy with its endorsements applied to cover_end, claim, the premium ledger) are already
-- written in the transaction of each change, so the data set is current at every read with no job
-- to lag, fail or double-count, and nothing is stored twice. A calibration reads a period once
-- (seconds for a year of a platform's trips); should that become slow, the same SELECT becomes a
-- materialized view refreshed by a job, with no change for its readers.

-- One row per covered interval: a policy whose cover started (bound, active or ended), its cover
-- as every endorsement left it (extensions, late-return steps and early ends move cover_end), and
-- its earned exposure so far. Rating variables are the quote request's, stored with the policy,
-- validated by the contract before they were stored. Instants stay timestamptz; the Japan-time
-- hour and weekday are derived here because the bands are in Japan time.
CREATE VIEW "experience_interval" AS
SELECT
    p."id"                                                        AS "policy_id",
    p."partner_id",
    p."plan",
    p."tariff_version",
    p."status",
    p."cover_start",
    p."cover_end",
    -- Earned exposure: to the end of cover, or to now for cover still running.
    EXTRACT(EPOCH FROM (LEAST(p."cover_end", now()) - p."cover_start")) / 60.0 AS "exposure_minutes",
    -- The booking's own length (the duration band): booked end, or the cover end when none.
    EXTRACT(EPOCH FROM (COALESCE(p."booked_end", p."cover_end") - p."cover_start")) / 60.0 AS "booked_minutes",
    (SELECT count(*) FROM "endorsement" e WHERE e."policy_id" = p."id")::int AS "endorsements",
    p."premium_yen",
    p."refund_yen",
    (p."request" -> 'driver' ->> 'age')::int                       AS "driver_age",
    (p."request" -> 'driver' ->> 'grade')::int                     AS "grade",
    COALESCE((p."request" -> 'driver' ->> 'accidentCoefficientYears')::int, 0) AS "accident_years",
    p."request" -> 'driver' ->> 'licenceColour'                    AS "licence_colour",
    p."request" -> 'vehicle' ->> 'category'                        AS "vehicle_category",
    (p."request" -> 'vehicle' ->> 'modelRatingClass')::int         AS "model_rating_class",
    -- Months since first registration at the cover start in Japan time, as the engine counts them.
    ((EXTRACT(YEAR FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int * 12 + EXTRACT(MONTH FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int)
      - (substr(p."request" -> 'vehicle' ->> 'firstRegistration', 1, 4)::int * 12 + substr(p."request" -> 'vehicle' ->> 'firstRegistration', 6, 2)::int)) AS "vehicle_age_months",
    (p."request" -> 'vehicle' ->> 'valueYen')::bigint               AS "value_yen",
    -- Absent from today's booking contract; read when a booking carries one.
    p."request" ->> 'region'                                       AS "region",
    -- The driving score from the car (issue #21 step 4) has no source yet: always null here.
    NULL::numeric                                                  AS "driving_score",
    EXTRACT(HOUR FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int   AS "start_hour_jst",
    EXTRACT(ISODOW FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int AS "start_isodow_jst"
FROM "policy" p
WHERE p."cover_start" IS NOT NULL
  AND p."cover_end" > p."cover_start"
  AND p."cover_start" <= now()
  AND p."status" IN ('bound', 'active', 'ended');

-- One row per claim on a covered interval. Incurred is the premium ledger's incurred losses
-- (account 5100: reserve opened, less released), which is what the Finance page and the
-- bordereaux report; a claim the ledger has not seen yet (before its backfill) counts its case
-- reserve, nothing when withdrawn.
CREATE VIEW "experience_claim" AS
SELECT
    c."id"            AS "claim_id",
    c."policy_id",
    c."partner_id",
    c."status",
    c."severity",
    c."cause",
    c."coverages",
    c."occurred_at",
    c."opened_at",
    c."reserve_yen",
    COALESCE(
      (SELECT sum(l."debit_yen" - l."credit_yen") FROM "ledger_entry" le JOIN "ledger_line" l ON l."entry_id" = le."id"
        WHERE le."claim_id" = c."id" AND l."account" = '5100'),
      CASE WHEN c."status" = 'withdrawn' THEN 0 ELSE c."reserve_yen" END
    )::bigint         AS "incurred_yen"
FROM "claim" c;

-- Reserve development: every movement of a claim's incurred (5100) and case reserve (2300) with
-- its age in days since the loss, for development triangles.
CREATE VIEW "experience_claim_development" AS
SELECT
    le."claim_id",
    le."rule",
    le."business_at",
    c."occurred_at",
    floor(EXTRACT(EPOCH FROM (le."business_at" - c."occurred_at")) / 86400)::int AS "development_days",
    COALESCE(sum(l."debit_yen" - l."credit_yen") FILTER (WHERE l."account" = '5100'), 0)::bigint AS "incurred_movement_yen",
    COALESCE(sum(l."credit_yen" - l."debit_yen") FILTER (WHERE l."account" = '2300'), 0)::bigint AS "reserve_movement_yen"
FROM "ledger_entry" le
JOIN "claim" c ON c."id" = le."claim_id"
JOIN "ledger_line" l ON l."entry_id" = le."id"
GROUP BY le."id", le."claim_id", le."rule", le."business_at", c."occurred_at";

-- Every calibration run (`npm run calibrate`): its period, the tariff it started from, the draft
-- it produced through the tariff governance, and its report (figures and charts), which the
-- console's pricing page shows. Append-only: a run is a record of what was indicated then.
CREATE TABLE "calibration_run" (
    "id"                TEXT NOT NULL,
    "period_from"       TIMESTAMPTZ(3) NOT NULL,
    "period_to"         TIMESTAMPTZ(3) NOT NULL,
    "hold_out_from"     TIMESTAMPTZ(3) NOT NULL,
    "based_on_version"  TEXT NOT NULL,
    "draft_version"     TEXT,
    "report"            JSONB NOT NULL,
    "report_markdown"   TEXT NOT NULL,
    "created_by"        TEXT NOT NULL,
    "created_at"        TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "calibration_run_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "calibration_run_period" CHECK ("period_from" < "hold_out_from" AND "hold_out_from" <= "period_to"),
    CONSTRAINT "calibration_run_draft_fkey" FOREIGN KEY ("draft_version") REFERENCES "tariff_version"("version")
);
CREATE INDEX "calibration_run_created_at_idx" ON "calibration_run"("created_at");

CREATE FUNCTION "calibration_run_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'calibration_run is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER "calibration_run_append_only" BEFORE UPDATE OR DELETE ON "calibration_run"
  FOR EACH ROW EXECUTE FUNCTION "calibration_run_append_only"();
