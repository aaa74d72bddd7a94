-- DELETE /v1/devices/{id} (issue 18): a revoked device keeps its row, so its claims and incidents
-- still name it and its id stays its partner's (another partner cannot register it), with who
-- revoked it and when. credentials_rotated_at is the last POST .../rotate-credentials.
ALTER TABLE "device" ADD COLUMN "revoked_at" TIMESTAMPTZ(3);
ALTER TABLE "device" ADD COLUMN "revoked_by" TEXT;
ALTER TABLE "device" ADD COLUMN "credentials_rotated_at" TIMESTAMPTZ(3);
