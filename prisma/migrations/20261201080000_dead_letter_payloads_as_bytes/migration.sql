-- Dead-letter payloads are bytes, not text. A device payload with a NUL byte or invalid UTF-8
-- could not be stored as text (SQLSTATE 22021), so dead-lettering it failed, the intake never
-- acknowledged it and the broker redelivered it for ever. Whatever a device sends now fits, kept
-- byte for byte for the operator who replays it.
ALTER TABLE "dead_letter" ALTER COLUMN "payload" TYPE BYTEA USING convert_to("payload", 'UTF8');
ALTER TABLE "dead_letter" ALTER COLUMN "payload" SET COMPRESSION lz4;

-- Outbox rows whose Kafka value is arbitrary bytes (the original payload of a dead letter) keep it
-- in payload_bytes; events stay text in payload. Exactly one of the two is set.
ALTER TABLE "outbox" ADD COLUMN "payload_bytes" BYTEA;
ALTER TABLE "outbox" ALTER COLUMN "payload" DROP NOT NULL;
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_payload_text_or_bytes" CHECK (num_nonnulls("payload", "payload_bytes") = 1);
