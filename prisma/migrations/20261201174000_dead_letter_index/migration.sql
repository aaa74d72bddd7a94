-- The ops console's index of the Kafka dead-letter topics (`*.dlq`), which stay the source of
-- truth: one row per dead-letter record, keyed by where it sits on its dead-letter topic, so the
-- indexer can re-read a topic (a restart before its offset commit) and change nothing. The row
-- also carries the redrive state: once redriven_at is set the record is never redriven again by
-- accident (two operators, a double click, a retry after a timeout).
CREATE TABLE "dead_letter_record" (
  "id"                 UUID        NOT NULL DEFAULT gen_random_uuid(),
  "dlq_topic"          TEXT        NOT NULL,
  "dlq_partition"      INTEGER     NOT NULL,
  "dlq_offset"         BIGINT      NOT NULL,
  "original_topic"     TEXT        NOT NULL,
  "original_partition" INTEGER,
  "original_offset"    BIGINT,
  "reason"             TEXT        NOT NULL,
  -- The reason's code (`handler-failed`, `schema-violation`, ...): what the console groups by.
  "reason_code"        TEXT        NOT NULL,
  "attempts"           INTEGER     NOT NULL,
  "service"            TEXT        NOT NULL,
  "failed_at"          TIMESTAMPTZ(3),
  -- Record key and value byte for byte; headers as {name: base64} (values may be any bytes).
  "record_key"         BYTEA,
  "payload"            BYTEA       NOT NULL,
  "headers"            JSONB       NOT NULL,
  "indexed_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "redriven_at"        TIMESTAMPTZ(3),
  "redriven_by"        TEXT,
  "redrive_partition"  INTEGER,
  "redrive_offset"     BIGINT,
  CONSTRAINT "dead_letter_record_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "dead_letter_record_position_key" UNIQUE ("dlq_topic", "dlq_partition", "dlq_offset")
);
ALTER TABLE "dead_letter_record" ALTER COLUMN "payload" SET COMPRESSION lz4;
-- The console's summary and list: by original topic and reason, newest first.
CREATE INDEX "dead_letter_record_topic_reason_idx" ON "dead_letter_record" ("original_topic", "reason_code", "indexed_at" DESC, "id" DESC);
CREATE INDEX "dead_letter_record_indexed_at_idx" ON "dead_letter_record" ("indexed_at" DESC, "id" DESC);
