-- The first system of record: partners, devices, bookings with their event history, quotes,
-- policies with endorsements, claims with their signals, incidents, outbox, inbox, ops and audit.

-- CreateTable
CREATE TABLE "partner" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "api_key_hash" TEXT NOT NULL,
    "webhook_secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "vehicle_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "booking" (
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "last_sequence" INTEGER NOT NULL,
    "last_type" TEXT NOT NULL,
    "vehicle_id" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "booking_pkey" PRIMARY KEY ("partner_id","booking_id")
);

-- CreateTable
CREATE TABLE "booking_event" (
    "id" UUID NOT NULL,
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hold_until" TIMESTAMPTZ(3),
    CONSTRAINT "booking_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quote" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "premium_yen" INTEGER,
    "tariff_version" TEXT,
    "breakdown" JSONB,
    "reasons" JSONB,
    "request" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "quote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy" (
    "id" UUID NOT NULL,
    "policy_number" TEXT,
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "vehicle_id" TEXT NOT NULL,
    "driver_id" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "booking_status" TEXT NOT NULL,
    "cover_start" TIMESTAMPTZ(3),
    "cover_end" TIMESTAMPTZ(3),
    "booked_end" TIMESTAMPTZ(3),
    "premium_yen" INTEGER NOT NULL DEFAULT 0,
    "refund_yen" INTEGER NOT NULL DEFAULT 0,
    "tariff_version" TEXT,
    "quote_id" TEXT,
    "breakdown" JSONB,
    "decline_reasons" JSONB,
    "request" JSONB NOT NULL,
    "last_sequence" INTEGER NOT NULL,
    "bound_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "endorsement" (
    "id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT,
    "premium_delta_yen" INTEGER NOT NULL DEFAULT 0,
    "refund_yen" INTEGER NOT NULL DEFAULT 0,
    "cover_end_before" TIMESTAMPTZ(3),
    "cover_end_after" TIMESTAMPTZ(3),
    "cause_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "endorsement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejected_transition" (
    "id" UUID NOT NULL,
    "partner_id" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rejected_transition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "claim" (
    "id" UUID NOT NULL,
    "claim_number" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "vehicle_id" TEXT NOT NULL,
    "policy_id" UUID NOT NULL,
    "policy_number" TEXT NOT NULL,
    "booking_id" TEXT NOT NULL,
    "driver_id" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "accident_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "last_signal_at" TIMESTAMPTZ(3) NOT NULL,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "coverages" JSONB NOT NULL,
    "reserve_yen" INTEGER NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "claim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "claim_signal" (
    "id" UUID NOT NULL,
    "claim_id" UUID NOT NULL,
    "device_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "claim_signal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "partner_id" TEXT,
    "vehicle_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vehicle_state" (
    "vehicle_id" TEXT NOT NULL,
    "lock_state" TEXT NOT NULL,
    "door_ajar" BOOLEAN NOT NULL DEFAULT false,
    "last_event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "vehicle_state_pkey" PRIMARY KEY ("vehicle_id")
);

-- CreateTable
CREATE TABLE "dead_letter" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "producer" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox" (
    "consumer" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer","message_key")
);

-- CreateTable
CREATE TABLE "ops_user" (
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ops_user_pkey" PRIMARY KEY ("username")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "details" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "partner_api_key_hash_key" ON "partner"("api_key_hash");

-- CreateIndex
CREATE INDEX "device_vehicle_id_idx" ON "device"("vehicle_id");

-- CreateIndex
CREATE INDEX "booking_event_partner_id_booking_id_sequence_idx" ON "booking_event"("partner_id", "booking_id", "sequence");

-- CreateIndex
CREATE INDEX "booking_event_hold_until_idx" ON "booking_event"("hold_until");

-- CreateIndex
CREATE UNIQUE INDEX "booking_event_partner_id_event_id_key" ON "booking_event"("partner_id", "event_id");

-- CreateIndex
CREATE INDEX "quote_partner_id_booking_id_idx" ON "quote"("partner_id", "booking_id");

-- CreateIndex
CREATE UNIQUE INDEX "policy_policy_number_key" ON "policy"("policy_number");

-- CreateIndex
CREATE INDEX "policy_vehicle_id_cover_start_idx" ON "policy"("vehicle_id", "cover_start");

-- CreateIndex
CREATE INDEX "policy_driver_id_idx" ON "policy"("driver_id");

-- CreateIndex
CREATE INDEX "policy_status_cover_end_idx" ON "policy"("status", "cover_end");

-- CreateIndex
CREATE INDEX "policy_created_at_idx" ON "policy"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "policy_partner_id_booking_id_key" ON "policy"("partner_id", "booking_id");

-- CreateIndex
CREATE UNIQUE INDEX "endorsement_policy_id_cause_id_key" ON "endorsement"("policy_id", "cause_id");

-- CreateIndex
CREATE UNIQUE INDEX "rejected_transition_partner_id_event_id_key" ON "rejected_transition"("partner_id", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "claim_claim_number_key" ON "claim"("claim_number");

-- CreateIndex
CREATE INDEX "claim_vehicle_id_status_idx" ON "claim"("vehicle_id", "status");

-- CreateIndex
CREATE INDEX "claim_accident_id_idx" ON "claim"("accident_id");

-- CreateIndex
CREATE INDEX "claim_status_severity_idx" ON "claim"("status", "severity");

-- CreateIndex
CREATE INDEX "claim_policy_id_idx" ON "claim"("policy_id");

-- CreateIndex
CREATE UNIQUE INDEX "claim_signal_device_id_event_id_key" ON "claim_signal"("device_id", "event_id");

-- CreateIndex
CREATE INDEX "incident_occurred_at_idx" ON "incident"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "incident_device_id_event_id_key" ON "incident"("device_id", "event_id");

-- CreateIndex
CREATE INDEX "dead_letter_received_at_idx" ON "dead_letter"("received_at");

-- CreateIndex
CREATE INDEX "outbox_producer_published_at_id_idx" ON "outbox"("producer", "published_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_producer_event_id_key" ON "outbox"("producer", "event_id");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- AddForeignKey
ALTER TABLE "endorsement" ADD CONSTRAINT "endorsement_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_signal" ADD CONSTRAINT "claim_signal_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
