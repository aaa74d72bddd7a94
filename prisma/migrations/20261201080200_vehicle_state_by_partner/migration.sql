-- Vehicle ids are the partner's own, so a vehicle is (partner_id, vehicle_id): one partner's
-- device must never overwrite another partner's last known lock state (issue 14, finding 3).
-- claim and incident already carry partner_id; vehicle_state did not.
ALTER TABLE "vehicle_state" ADD COLUMN "partner_id" TEXT;

-- Backfill from the devices registered for the vehicle (telemetry comes only from registered
-- devices). When several partners registered one for the same vehicle id, the one whose policy
-- covered the vehicle last is the likely owner; otherwise the latest registration.
UPDATE "vehicle_state" s SET "partner_id" = COALESCE(
  (SELECT p."partner_id" FROM "policy" p
    WHERE p."vehicle_id" = s."vehicle_id" AND p."cover_start" IS NOT NULL
      AND p."partner_id" IN (SELECT d."partner_id" FROM "device" d WHERE d."vehicle_id" = s."vehicle_id")
    ORDER BY p."cover_start" DESC LIMIT 1),
  (SELECT d."partner_id" FROM "device" d WHERE d."vehicle_id" = s."vehicle_id" ORDER BY d."updated_at" DESC LIMIT 1));

-- A state no device accounts for cannot be attributed; it is only a last-known value, and the
-- vehicle's next lock message writes it again.
DELETE FROM "vehicle_state" WHERE "partner_id" IS NULL;

ALTER TABLE "vehicle_state" ALTER COLUMN "partner_id" SET NOT NULL;
ALTER TABLE "vehicle_state" DROP CONSTRAINT "vehicle_state_pkey";
ALTER TABLE "vehicle_state" ADD CONSTRAINT "vehicle_state_pkey" PRIMARY KEY ("partner_id", "vehicle_id");
