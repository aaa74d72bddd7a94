-- Event envelopes, breakdowns, requests and outbox payloads are 1-3 KB documents written once per
-- booking event; rows above ~2 KB are compressed by TOAST. lz4 compresses several times faster than
-- the default pglz at a similar ratio (PostgreSQL 14+ built with lz4, as Debian's and the official
-- images are). Existing values keep their compression; new values use lz4.
ALTER TABLE "booking_event" ALTER COLUMN "envelope" SET COMPRESSION lz4;
ALTER TABLE "quote" ALTER COLUMN "breakdown" SET COMPRESSION lz4;
ALTER TABLE "quote" ALTER COLUMN "request" SET COMPRESSION lz4;
ALTER TABLE "quote" ALTER COLUMN "reasons" SET COMPRESSION lz4;
ALTER TABLE "policy" ALTER COLUMN "breakdown" SET COMPRESSION lz4;
ALTER TABLE "policy" ALTER COLUMN "request" SET COMPRESSION lz4;
ALTER TABLE "policy" ALTER COLUMN "decline_reasons" SET COMPRESSION lz4;
ALTER TABLE "outbox" ALTER COLUMN "payload" SET COMPRESSION lz4;
ALTER TABLE "claim_signal" ALTER COLUMN "payload" SET COMPRESSION lz4;
ALTER TABLE "incident" ALTER COLUMN "payload" SET COMPRESSION lz4;
ALTER TABLE "dead_letter" ALTER COLUMN "payload" SET COMPRESSION lz4;
