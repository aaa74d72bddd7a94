-- Outbound webhooks (issue 18): partners' receiver endpoints, the policy and claim events they may
-- receive, one delivery row per (endpoint, event) and every attempt. Owned by partner-webhooks.

CREATE TABLE "webhook_endpoint" (
  "id"                         TEXT PRIMARY KEY,
  "partner_id"                 TEXT NOT NULL REFERENCES "partner"("id"),
  "url"                        TEXT NOT NULL,
  "event_types"                TEXT[] NOT NULL,
  "enabled"                    BOOLEAN NOT NULL DEFAULT true,
  -- Why the platform disabled it (failing for longer than WEBHOOK_DISABLE_AFTER_MS); null when the partner did.
  "disabled_reason"            TEXT,
  -- Standard Webhooks signing secret (whsec_...), needed in clear to sign.
  "secret"                     TEXT NOT NULL,
  -- The secret before the last rotation: deliveries carry a signature with each until it expires.
  "previous_secret"            TEXT,
  "previous_secret_expires_at" TIMESTAMPTZ(3),
  -- First failed attempt since the last successful one; null while the endpoint answers 2xx.
  "failing_since"              TIMESTAMPTZ(3),
  "created_at"                 TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"                 TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "webhook_endpoint_partner_idx" ON "webhook_endpoint" ("partner_id", "created_at");

-- Every policy and claim event of a partner as the topic carried it (the body is sent byte for
-- byte); unique per CloudEvent (source, id), which is the consumer's inbox: a redelivered record
-- inserts nothing and so enqueues nothing twice.
CREATE TABLE "webhook_event" (
  "seq"          BIGSERIAL PRIMARY KEY,
  "source"       TEXT NOT NULL,
  "event_id"     TEXT NOT NULL,
  "partner_id"   TEXT NOT NULL,
  "type"         TEXT NOT NULL,
  -- Deliveries of one endpoint with the same key go out one at a time, in seq order (the booking).
  "ordering_key" TEXT NOT NULL,
  "body"         TEXT NOT NULL,
  "received_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "webhook_event_source_id_key" UNIQUE ("source", "event_id")
);
CREATE INDEX "webhook_event_partner_received_idx" ON "webhook_event" ("partner_id", "received_at");
-- Retention: events older than WEBHOOK_EVENT_RETENTION_DAYS go, with their deliveries and attempts.
CREATE INDEX "webhook_event_received_idx" ON "webhook_event" ("received_at");

CREATE TABLE "webhook_delivery" (
  "id"              BIGSERIAL PRIMARY KEY,
  "endpoint_id"     TEXT NOT NULL REFERENCES "webhook_endpoint"("id") ON DELETE CASCADE,
  "event_seq"       BIGINT NOT NULL REFERENCES "webhook_event"("seq") ON DELETE CASCADE,
  "ordering_key"    TEXT NOT NULL,
  -- pending (to send or being retried), delivered (2xx), failed (the retry schedule ran out).
  "state"           TEXT NOT NULL DEFAULT 'pending',
  "attempts"        INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- Set while a deliverer sends it; a deliverer killed mid-attempt leaves it to expire, then it is sent again.
  "lease_until"     TIMESTAMPTZ(3),
  "replay"          BOOLEAN NOT NULL DEFAULT false,
  "created_at"      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "delivered_at"    TIMESTAMPTZ(3)
);
CREATE INDEX "webhook_delivery_pending_idx" ON "webhook_delivery" ("endpoint_id", "ordering_key", "event_seq") WHERE "state" = 'pending';
CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id", "id");
-- The retention delete finds an event's deliveries (and cascades to them) through this.
CREATE INDEX "webhook_delivery_event_idx" ON "webhook_delivery" ("event_seq");

CREATE TABLE "webhook_attempt" (
  "id"           BIGSERIAL PRIMARY KEY,
  "delivery_id"  BIGINT NOT NULL REFERENCES "webhook_delivery"("id") ON DELETE CASCADE,
  "attempted_at" TIMESTAMPTZ(3) NOT NULL,
  -- null when no HTTP answer came (refused, timed out, address not allowed).
  "status_code"  INTEGER,
  "latency_ms"   INTEGER NOT NULL,
  "error"        TEXT
);
CREATE INDEX "webhook_attempt_delivery_idx" ON "webhook_attempt" ("delivery_id", "id");
