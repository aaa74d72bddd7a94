-- Driving behaviour from the car and a driver's own history (issue 21 steps 4-6). Drivers appear
-- only as keyed pseudonyms (HMAC-SHA256 under DRIVER_PSEUDONYM_KEY of the partner and its driver
-- reference); no raw driver reference is stored here. docs/privacy.md says what is kept and why.

-- One row per priced booking (written by pricing): which pseudonymous driver drove it, whether
-- they consented to driving data, and the driver inputs the platform priced it with, so the
-- booking's later events (extensions) are priced with the same figures.
CREATE TABLE "driver_booking" (
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "driver_key" TEXT NOT NULL,
    -- Only for partners that opted in to sharing drivers' history (partner.share_driver_history).
    "shared_driver_key" TEXT,
    "driving_consent" BOOLEAN NOT NULL,
    "vehicle_id" TEXT NOT NULL,
    "priced_driver" JSONB,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "driver_booking_pkey" PRIMARY KEY ("partner_id", "booking_id")
);
CREATE INDEX "driver_booking_driver_key_idx" ON "driver_booking"("driver_key");
CREATE INDEX "driver_booking_shared_driver_key_idx" ON "driver_booking"("shared_driver_key");
CREATE INDEX "driver_booking_recorded_at_idx" ON "driver_booking"("recorded_at");

-- Trip summaries from the gateways (written by claims-trigger's MQTT intake). The key de-duplicates
-- a resent trip. A driver without consent leaves a row without driver or figures: enough to
-- count a replay once, nothing to score.
CREATE TABLE "driving_trip" (
    "device_id" TEXT NOT NULL,
    "trip_id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "driver_key" TEXT,
    "distance_metres" INTEGER,
    "harsh_braking" INTEGER,
    "harsh_acceleration" INTEGER,
    "speeding_seconds" INTEGER,
    "night_minutes" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "driving_trip_pkey" PRIMARY KEY ("device_id", "trip_id"),
    CONSTRAINT "driving_trip_consented_figures" CHECK (("driver_key" IS NULL) = ("distance_metres" IS NULL))
);
CREATE INDEX "driving_trip_driver_key_idx" ON "driving_trip"("driver_key");
CREATE INDEX "driving_trip_ended_at_idx" ON "driving_trip"("ended_at");

-- A partner opts in to pooling its drivers' covered hours with other opted-in partners.
ALTER TABLE "partner" ADD COLUMN "share_driver_history" BOOLEAN NOT NULL DEFAULT false;
