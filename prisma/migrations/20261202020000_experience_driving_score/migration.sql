-- The experience data set's driving score (issue #21 step 1, "driving score"): until now the view
-- carried it as null. A booking's policy keeps the request it was priced with, and pricing writes
-- the platform's driving score into that request's telematics when it used it (issue #21 step 4),
-- so the score that rated each covered interval is read from there; a new last column says whose
-- score it was. Same columns in the same order otherwise (CREATE OR REPLACE keeps its readers).
CREATE OR REPLACE VIEW "experience_interval" AS
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
    -- The telematics score the booking was priced with: the platform's own driving score from
    -- the car's trip summaries when the driver consented and has trips (pricing put it in the
    -- request it passed on), otherwise the partner's figure, if it sent one.
    (p."request" -> 'driver' -> 'telematics' ->> 'score')::numeric AS "driving_score",
    EXTRACT(HOUR FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int   AS "start_hour_jst",
    EXTRACT(ISODOW FROM p."cover_start" AT TIME ZONE 'Asia/Tokyo')::int AS "start_isodow_jst",
    -- Whose score it is, from pricing's record of the booking (driver_booking keeps the inputs it
    -- substituted): 'platform' when it put in its own, 'partner' when the booking's own telematics
    -- priced it, 'unknown' once that record is gone (past DRIVER_BOOKING_RETENTION_DAYS, erased,
    -- or priced before the platform kept one), null without a score.
    (SELECT CASE WHEN p."request" -> 'driver' -> 'telematics' ->> 'score' IS NULL THEN NULL
                 WHEN b."booking_id" IS NULL THEN 'unknown'
                 WHEN b."priced_driver" -> 'telematics' IS NOT NULL THEN 'platform'
                 ELSE 'partner' END
       FROM (SELECT 1) AS one
       LEFT JOIN "driver_booking" b ON b."partner_id" = p."partner_id" AND b."booking_id" = p."booking_id") AS "driving_score_source"
FROM "policy" p
WHERE p."cover_start" IS NOT NULL
  AND p."cover_end" > p."cover_start"
  AND p."cover_start" <= now()
  AND p."status" IN ('bound', 'active', 'ended');
