-- An alert's situation read finds its vehicle's latest open claim (claims.repository.ts,
-- vehicleSituations). Through claim(vehicle_id, status) Postgres fetched and sorted every open claim
-- of the vehicle for each alert: work that grows with the open claims, which a device sending crash
-- after crash can pile up on its own vehicle (and the bench's 100 vehicles collect 76 each in a
-- FNOL stage: 0.5 ms a vehicle). Partial, so only open claims are indexed: the read takes the first
-- entry. last_signal_at is indexed now, so a signal joining an open claim is no longer a HOT update:
-- joins are rarer than reads (every alert reads).
CREATE INDEX "claim_open_by_vehicle_idx" ON "claim" ("partner_id", "vehicle_id", "last_signal_at" DESC) WHERE "status" IN ('provisional', 'confirmed');
