-- booking-ingest replaces the partner's driver reference by the driver's pseudonym before it
-- stores an event (docs/privacy.md). The cross-partner pseudonym is computed from the reference
-- too, so an event held for a sequence gap keeps both pseudonyms here for its release: once the
-- row is written the reference is gone. Null on rows from before (they carry the reference in
-- their envelope; pricing hashes it when such an event is released).
ALTER TABLE booking_event ADD COLUMN driver_keys jsonb;
