-- Tariffs as governed data (issue #17): every tariff version ever drafted, content-addressed and
-- immutable. The document is stored as its canonical JSON text (keys sorted), whose sha256 names
-- the version `tariff_id@sha256[0:12]`, so a loader can re-verify the content against its name.
-- Lifecycle facts are recorded once each: drafted, approved (a second person: four eyes),
-- scheduled (effective from an instant). Active and retired follow from the schedule and the
-- clock (libs/domain/rating/src/tariff-lifecycle.ts).
CREATE TABLE "tariff_version" (
    "version" TEXT NOT NULL,
    "tariff_id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "drafted_by" TEXT NOT NULL,
    "drafted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "scheduled_by" TEXT,
    "scheduled_at" TIMESTAMPTZ(3),
    "effective_from" TIMESTAMPTZ(3),
    CONSTRAINT "tariff_version_pkey" PRIMARY KEY ("version"),
    CONSTRAINT "tariff_version_sha256_key" UNIQUE ("sha256"),
    CONSTRAINT "tariff_version_is_content_address" CHECK ("sha256" ~ '^[0-9a-f]{64}$' AND "version" = "tariff_id" || '@' || left("sha256", 12)),
    -- 256 KiB, as MAX_TARIFF_DOCUMENT_BYTES: the database refuses what the application would.
    CONSTRAINT "tariff_version_document_size" CHECK (octet_length("document") <= 262144),
    -- Four eyes: the approver is never the author.
    CONSTRAINT "tariff_version_four_eyes" CHECK ("approved_by" IS NULL OR "approved_by" <> "drafted_by"),
    CONSTRAINT "tariff_version_approval_whole" CHECK (("approved_by" IS NULL) = ("approved_at" IS NULL)),
    CONSTRAINT "tariff_version_schedule_whole" CHECK (("effective_from" IS NULL) = ("scheduled_by" IS NULL) AND ("effective_from" IS NULL) = ("scheduled_at" IS NULL)),
    CONSTRAINT "tariff_version_scheduled_after_approval" CHECK ("effective_from" IS NULL OR "approved_at" IS NOT NULL)
);
CREATE INDEX "tariff_version_effective_from_idx" ON "tariff_version"("effective_from");

-- Immutability: the content and authorship never change, and each lifecycle fact is written once
-- (approval, then schedule). No row is ever deleted: policies bound under a version resolve it forever.
CREATE FUNCTION "tariff_version_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'tariff version % cannot be deleted', OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.version <> OLD.version OR NEW.tariff_id <> OLD.tariff_id OR NEW.sha256 <> OLD.sha256 OR NEW.document <> OLD.document
     OR NEW.drafted_by <> OLD.drafted_by OR NEW.drafted_at <> OLD.drafted_at THEN
    RAISE EXCEPTION 'tariff version % is immutable', OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.approved_at IS NOT NULL AND (NEW.approved_by IS DISTINCT FROM OLD.approved_by OR NEW.approved_at IS DISTINCT FROM OLD.approved_at) THEN
    RAISE EXCEPTION 'tariff version % is already approved', OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.effective_from IS NOT NULL AND (NEW.effective_from IS DISTINCT FROM OLD.effective_from OR NEW.scheduled_by IS DISTINCT FROM OLD.scheduled_by OR NEW.scheduled_at IS DISTINCT FROM OLD.scheduled_at) THEN
    RAISE EXCEPTION 'tariff version % is already scheduled', OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "tariff_version_immutable" BEFORE UPDATE OR DELETE ON "tariff_version"
  FOR EACH ROW EXECUTE FUNCTION "tariff_version_immutable"();

-- Pricing and policy instances LISTEN on this channel and reload their in-memory registry, so an
-- approved or scheduled version reaches them without a restart (the payload is the version).
CREATE FUNCTION "tariff_version_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tariff_versions', NEW.version);
  RETURN NULL;
END $$;
CREATE TRIGGER "tariff_version_notify" AFTER INSERT OR UPDATE ON "tariff_version"
  FOR EACH ROW EXECUTE FUNCTION "tariff_version_notify"();
