import type { DatabaseTx } from '../prisma-client.factory';

export interface CoverInForce {
  policyId: string;
  policyNumber: string;
  partnerId: string;
  bookingId: string;
  driverId: string;
  plan: string;
}

export interface OpenClaim {
  id: string;
  claimNumber: string;
  accidentId: string | null;
  lastSignalAt: Date;
  severity: string;
  status: string;
  policyId: string;
  policyNumber: string;
  bookingId: string;
  partnerId: string;
  plan: string;
  coverages: string[];
  reserveYen: number;
  occurredAt: Date;
  lat: number | null;
  lon: number | null;
  cause: string;
  signalCount: number;
}

/** A provisional claim as FNOL opens it. */
export interface NewClaim {
  id: string;
  claimNumber: string;
  partnerId: string;
  policyId: string;
  policyNumber: string;
  bookingId: string;
  driverId: string;
  plan: string;
  severity: string;
  cause: string;
  accidentId: string | null;
  occurredAt: Date;
  lat: number | null;
  lon: number | null;
  coverages: string[];
  reserveYen: number;
}

/** One device message attached to a claim. */
export interface ClaimSignal {
  deviceId: string;
  eventId: string;
  channel: string;
  payload: unknown;
  occurredAt: Date;
}

/** A device message on its partner vehicle at its instant, as vehicleSituation looks it up. */
export interface SituationQuery extends PartnerVehicle {
  deviceId: string;
  eventId: string;
  at: Date;
  policyHint: string | null;
}

/** What a device message finds on its locked vehicle: a duplicate delivery, the open claim, the cover in force. */
export interface VehicleSituation {
  seen: boolean;
  open: OpenClaim | null;
  cover: CoverInForce | null;
}

/** A device message that is not a claim: no cover, a security event, or a withdrawal with no claim to withdraw. */
export interface IncidentRow {
  id: string;
  kind: string;
  partnerId: string;
  vehicleId: string;
  deviceId: string;
  eventId: string;
  channel: string;
  severity: string;
  payload: unknown;
  lat: number | null;
  lon: number | null;
  occurredAt: Date;
}

/** A claim as ops and partners act on it: its facts, status and signals. */
export interface ClaimUnderReview extends Omit<OpenClaim, 'accidentId' | 'lastSignalAt' | 'plan'> {
  vehicleId: string;
  /** The device of its first signal. */
  deviceId: string | null;
}

/** Who did what to a claim, for the audit log. */
export interface ClaimAuditEntry {
  actor: string;
  role: string;
  action: string;
  claimId: string;
  details: unknown;
}

/**
 * A vehicle as the platform knows it: vehicle ids are the partner's own, so only the pair names
 * one car. Every read and write of claims, cover, damage and vehicle state goes by the pair, so
 * a partner's device can never reach another partner's policy or claim.
 */
export interface PartnerVehicle {
  partnerId: string;
  vehicleId: string;
}

/** The advisory lock of one partner vehicle: `/` is in neither identifier, so two pairs never share a name. */
const vehicleLockName = (v: PartnerVehicle): string => `vehicle:${v.partnerId}/${v.vehicleId}`;

/** claims-trigger's tables (claims, signals, incidents, vehicle state, dead letters) and its read of cover. */
export class ClaimsRepository {
  /** Serialises all work on one partner vehicle for the rest of the transaction (one accident, one claim). */
  async lockVehicle(tx: DatabaseTx, v: PartnerVehicle): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${vehicleLockName(v)}))`;
  }

  /**
   * The advisory lock names of several vehicles, for a transaction to take as it begins
   * (`TransactionOptions.advisoryLocks`: in key order, in BEGIN's round trip). The same locks as
   * lockVehicle's.
   */
  vehicleLocks(vehicles: PartnerVehicle[]): string[] {
    return vehicles.map(vehicleLockName);
  }

  /**
   * What a device message finds once its vehicle is locked, in one round trip: whether it was
   * already applied (duplicate delivery), the vehicle's open claim, and the cover in force at the
   * instant. Claim and cover are the device's partner's only: another partner's policy on the same
   * vehicle id is not this car's cover. The database is the truth for cover; `policyHint` (the
   * cover index's answer) is preferred when it is in force then, otherwise the latest-starting
   * policy in force wins.
   */
  async vehicleSituation(tx: DatabaseTx, q: SituationQuery): Promise<VehicleSituation> {
    const [situation] = await this.vehicleSituations(tx, [q]);
    return situation as VehicleSituation;
  }

  /**
   * vehicleSituation for several messages in one statement, in the order asked. A batch of alerts
   * reads the situation of each vehicle's first alert this way: one round trip a batch instead of
   * one an alert (its effect on CPU: docs/benchmarks.md, "Alert transactions in flight").
   */
  async vehicleSituations(tx: DatabaseTx, qs: SituationQuery[]): Promise<VehicleSituation[]> {
    if (qs.length === 0) return [];
    const rows = await tx.$queryRaw<{ seen: boolean; open: (Omit<OpenClaim, 'lastSignalAt' | 'occurredAt'> & { lastSignalAt: string; occurredAt: string }) | null; cover: CoverInForce | null }[]>`
      SELECT
        EXISTS (SELECT 1 FROM claim_signal s WHERE s.device_id = x.device_id AND s.event_id = x.event_id
                UNION ALL SELECT 1 FROM incident i WHERE i.device_id = x.device_id AND i.event_id = x.event_id) AS seen,
        (SELECT row_to_json(o) FROM (
           SELECT c.id::text AS id, c.claim_number AS "claimNumber", c.accident_id AS "accidentId", c.last_signal_at AS "lastSignalAt", c.severity, c.status,
                  c.policy_id::text AS "policyId", c.policy_number AS "policyNumber", c.booking_id AS "bookingId", c.partner_id AS "partnerId", c.plan,
                  c.coverages, c.reserve_yen AS "reserveYen", c.occurred_at AS "occurredAt", c.lat, c.lon, c.cause,
                  (SELECT count(*)::int FROM claim_signal s WHERE s.claim_id = c.id) AS "signalCount"
           FROM claim c WHERE c.partner_id = x.partner_id AND c.vehicle_id = x.vehicle_id AND c.status IN ('provisional', 'confirmed')
           ORDER BY c.last_signal_at DESC LIMIT 1) o) AS open,
        (SELECT row_to_json(p) FROM (
           SELECT y.id::text AS "policyId", y.policy_number AS "policyNumber", y.partner_id AS "partnerId", y.booking_id AS "bookingId",
                  y.driver_id AS "driverId", y.plan
           FROM policy y
           WHERE y.partner_id = x.partner_id AND y.vehicle_id = x.vehicle_id AND y.status IN ('bound', 'active', 'ended') AND y.policy_number IS NOT NULL
             AND y.cover_start <= x.at AND y.cover_end >= x.at
           ORDER BY y.id = x.hint IS TRUE DESC, y.cover_start DESC LIMIT 1) p) AS cover
      FROM unnest(${qs.map((q) => q.partnerId)}::text[], ${qs.map((q) => q.vehicleId)}::text[], ${qs.map((q) => q.deviceId)}::text[],
                  ${qs.map((q) => q.eventId)}::text[], ${qs.map((q) => q.at)}::timestamptz[], ${qs.map((q) => q.policyHint)}::uuid[])
        WITH ORDINALITY AS x(partner_id, vehicle_id, device_id, event_id, at, hint, n)
      ORDER BY x.n`;
    return rows.map((row) => ({
      seen: row.seen,
      open: row.open ? { ...row.open, lastSignalAt: new Date(row.open.lastSignalAt), occurredAt: new Date(row.open.occurredAt) } : null,
      cover: row.cover,
    }));
  }

  /**
   * Last known lock and door state per partner vehicle, one statement for a batch (one row per
   * vehicle). An older observation never overwrites a newer one; a row without a lock state keeps the lock.
   */
  async upsertVehicleStates(db: DatabaseTx, rows: (PartnerVehicle & { lockState: string | null; doorAjar: boolean; lastEventAt: Date })[]): Promise<void> {
    if (rows.length === 0) return;
    // The batch travels as one JSON document, as the other batch upserts' rows do (upsertAll): one
    // string to build and send, instead of an array literal per column, and instants as ISO text.
    await db.$executeRaw`
      INSERT INTO vehicle_state (partner_id, vehicle_id, lock_state, door_ajar, last_event_at)
      SELECT "partnerId", "vehicleId", COALESCE("lockState", 'unknown'), "doorAjar", "lastEventAt"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x("partnerId" text, "vehicleId" text, "lockState" text, "doorAjar" boolean, "lastEventAt" timestamptz)
      ON CONFLICT (partner_id, vehicle_id) DO UPDATE SET
        lock_state = CASE WHEN EXCLUDED.lock_state = 'unknown' THEN vehicle_state.lock_state ELSE EXCLUDED.lock_state END,
        door_ajar = EXCLUDED.door_ajar, last_event_at = EXCLUDED.last_event_at, updated_at = now()
      WHERE vehicle_state.last_event_at <= EXCLUDED.last_event_at`;
  }

  async vehiclesWithOpenDamage(db: DatabaseTx): Promise<PartnerVehicle[]> {
    return db.$queryRaw<PartnerVehicle[]>`
      SELECT DISTINCT partner_id AS "partnerId", vehicle_id AS "vehicleId" FROM claim
      WHERE status IN ('provisional', 'confirmed') AND coverages ? 'vehicle-damage'`;
  }

  async attachSignal(tx: DatabaseTx, claimId: string, signal: ClaimSignal): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO claim_signal (id, claim_id, device_id, event_id, channel, payload, occurred_at)
      VALUES (gen_random_uuid(), ${claimId}::uuid, ${signal.deviceId}, ${signal.eventId}, ${signal.channel}, ${JSON.stringify(signal.payload)}::jsonb, ${signal.occurredAt})`;
  }

  /**
   * Opens a provisional claim with its first signal and returns the vehicle's open damage claims
   * before it, in one round trip (the caller's vehicle lock keeps the count exact; the statement's
   * snapshot predates its own insert). The count's condition is openDamageCount's.
   */
  async openClaim(tx: DatabaseTx, vehicleId: string, c: NewClaim, signal: ClaimSignal): Promise<number> {
    const [{ n }] = await tx.$queryRaw<{ n: number }[]>`
      WITH opened AS (
        INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause,
                           accident_id, occurred_at, last_signal_at, lat, lon, coverages, reserve_yen)
        VALUES (${c.id}::uuid, ${c.claimNumber}, ${c.partnerId}, ${vehicleId}, ${c.policyId}::uuid, ${c.policyNumber}, ${c.bookingId},
                ${c.driverId}, ${c.plan}, 'provisional', ${c.severity}, ${c.cause}, ${c.accidentId}, ${c.occurredAt}, ${c.occurredAt},
                ${c.lat}, ${c.lon}, ${JSON.stringify(c.coverages)}::jsonb, ${c.reserveYen})
        RETURNING id
      ), signal AS (
        INSERT INTO claim_signal (id, claim_id, device_id, event_id, channel, payload, occurred_at)
        SELECT gen_random_uuid(), id, ${signal.deviceId}, ${signal.eventId}, ${signal.channel}, ${JSON.stringify(signal.payload)}::jsonb, ${signal.occurredAt} FROM opened
      )
      SELECT count(*)::int AS n FROM claim
      WHERE partner_id = ${c.partnerId} AND vehicle_id = ${vehicleId} AND status IN ('provisional', 'confirmed') AND coverages ? 'vehicle-damage'`;
    return n;
  }

  /**
   * Opens provisional claims, each with its first signal, in one statement (a batch of alerts'
   * new claims: one round trip, not one a claim), and returns, in the order given, each claim's
   * vehicle's open damage claims before it: the statement's snapshot predates its own inserts, so
   * the count adds the call's earlier damage claims on the same vehicle. The caller's vehicle locks
   * keep the counts exact. The count's condition is openDamageCount's. The rows travel as one JSON
   * document, as the other batch writes' rows do.
   */
  async openClaims(tx: DatabaseTx, opens: readonly { vehicleId: string; claim: NewClaim; signal: ClaimSignal }[]): Promise<number[]> {
    if (opens.length === 0) return [];
    // One claim alone goes as bind parameters: for a single row the JSON document and the CTE below
    // cost the backend 60-75 us more (and at 200 alerts/s most batches open one claim); from four
    // rows on they cost a quarter to a third less per claim (docs/benchmarks.md).
    if (opens.length === 1) {
      const [{ vehicleId, claim, signal }] = opens as [(typeof opens)[number]];
      return [await this.openClaim(tx, vehicleId, claim, signal)];
    }
    const rows = opens.map(({ vehicleId, claim: c, signal: s }, n) => ({
      n, id: c.id, claimNumber: c.claimNumber, partnerId: c.partnerId, vehicleId, policyId: c.policyId, policyNumber: c.policyNumber,
      bookingId: c.bookingId, driverId: c.driverId, plan: c.plan, severity: c.severity, cause: c.cause, accidentId: c.accidentId,
      occurredAt: c.occurredAt, lat: c.lat, lon: c.lon, coverages: c.coverages, reserveYen: c.reserveYen,
      deviceId: s.deviceId, eventId: s.eventId, channel: s.channel, payload: s.payload, signalAt: s.occurredAt,
    }));
    const counts = await tx.$queryRaw<{ n: number }[]>`
      WITH x AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
          n int, id uuid, "claimNumber" text, "partnerId" text, "vehicleId" text, "policyId" uuid, "policyNumber" text, "bookingId" text,
          "driverId" text, plan text, severity text, cause text, "accidentId" text, "occurredAt" timestamptz, lat float8, lon float8,
          coverages jsonb, "reserveYen" int, "deviceId" text, "eventId" text, channel text, payload jsonb, "signalAt" timestamptz)
      ), opened AS (
        INSERT INTO claim (id, claim_number, partner_id, vehicle_id, policy_id, policy_number, booking_id, driver_id, plan, status, severity, cause,
                           accident_id, occurred_at, last_signal_at, lat, lon, coverages, reserve_yen)
        SELECT id, "claimNumber", "partnerId", "vehicleId", "policyId", "policyNumber", "bookingId", "driverId", plan, 'provisional', severity, cause,
               "accidentId", "occurredAt", "occurredAt", lat, lon, coverages, "reserveYen"
        FROM x ORDER BY n
        RETURNING id
      ), signal AS (
        INSERT INTO claim_signal (id, claim_id, device_id, event_id, channel, payload, occurred_at)
        SELECT gen_random_uuid(), x.id, x."deviceId", x."eventId", x.channel, x.payload, x."signalAt" FROM opened JOIN x ON x.id = opened.id
      )
      SELECT ((SELECT count(*) FROM claim c
               WHERE c.partner_id = x."partnerId" AND c.vehicle_id = x."vehicleId" AND c.status IN ('provisional', 'confirmed') AND c.coverages ? 'vehicle-damage')
            + (SELECT count(*) FROM x e
               WHERE e."partnerId" = x."partnerId" AND e."vehicleId" = x."vehicleId" AND e.n < x.n AND e.coverages ? 'vehicle-damage'))::int AS n
      FROM x ORDER BY x.n`;
    return counts.map((row) => row.n);
  }

  async openDamageCount(tx: DatabaseTx, v: PartnerVehicle): Promise<number> {
    const rows = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM claim
      WHERE partner_id = ${v.partnerId} AND vehicle_id = ${v.vehicleId} AND status IN ('provisional', 'confirmed') AND coverages ? 'vehicle-damage'`;
    return rows[0]?.n ?? 0;
  }

  /** A further signal of an open claim's accident: the claim's latest signal time and its severity (already merged). */
  async recordJoinedSignal(tx: DatabaseTx, claimId: string, occurredAt: Date, severity: string): Promise<void> {
    await tx.$executeRaw`UPDATE claim SET last_signal_at = GREATEST(last_signal_at, ${occurredAt}), severity = ${severity}, updated_at = now() WHERE id = ${claimId}::uuid`;
  }

  /** Holds the claim row for the transaction: two payments or reserve changes of one claim never interleave. */
  async lockClaim(tx: DatabaseTx, claimId: string): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM claim WHERE id = ${claimId}::uuid FOR UPDATE`;
  }

  async setReserve(tx: DatabaseTx, claimId: string, reserveYen: number): Promise<void> {
    await tx.$executeRaw`UPDATE claim SET reserve_yen = ${reserveYen}, updated_at = now() WHERE id = ${claimId}::uuid`;
  }

  async setStatus(tx: DatabaseTx, claimId: string, status: string): Promise<void> {
    await tx.$executeRaw`UPDATE claim SET status = ${status}, updated_at = now() WHERE id = ${claimId}::uuid`;
  }

  /** A claim with its signal count and first device, or null; ops and partners act on it by id. */
  async findForReview(tx: DatabaseTx, claimId: string): Promise<ClaimUnderReview | null> {
    const rows = await tx.$queryRaw<ClaimUnderReview[]>`
      SELECT c.id::text AS id, claim_number AS "claimNumber", partner_id AS "partnerId", vehicle_id AS "vehicleId", status, severity, cause,
             policy_id::text AS "policyId", policy_number AS "policyNumber", booking_id AS "bookingId", coverages, reserve_yen AS "reserveYen",
             occurred_at AS "occurredAt", lat, lon,
             (SELECT count(*)::int FROM claim_signal s WHERE s.claim_id = c.id) AS "signalCount",
             (SELECT device_id FROM claim_signal s WHERE s.claim_id = c.id ORDER BY s.occurred_at, s.received_at LIMIT 1) AS "deviceId"
      FROM claim c WHERE c.id = ${claimId}::uuid`;
    return rows[0] ?? null;
  }

  async recordAudit(tx: DatabaseTx, entry: ClaimAuditEntry): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
      VALUES (gen_random_uuid(), ${entry.actor}, ${entry.role}, ${entry.action}, 'claim', ${entry.claimId}, ${JSON.stringify(entry.details)}::jsonb)`;
  }

  async insertIncident(tx: DatabaseTx, i: IncidentRow): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO incident (id, kind, partner_id, vehicle_id, device_id, event_id, channel, severity, payload, lat, lon, occurred_at)
      VALUES (${i.id}::uuid, ${i.kind}, ${i.partnerId}, ${i.vehicleId}, ${i.deviceId}, ${i.eventId}, ${i.channel}, ${i.severity},
              ${JSON.stringify(i.payload)}::jsonb, ${i.lat}, ${i.lon}, ${i.occurredAt})`;
  }

  /** A device message kept byte for byte (bytea) with the reason it could not be applied. */
  /** Dead letters in one statement; payloads byte for byte (they travel base64-encoded in one JSON document). */
  async insertDeadLetters(tx: DatabaseTx, service: string, rows: { id: string; source: string; reason: string; payload: Buffer }[]): Promise<void> {
    if (rows.length === 0) return;
    const doc = JSON.stringify(rows.map((r) => ({ id: r.id, source: r.source, reason: r.reason, payload: r.payload.toString('base64') })));
    await tx.$executeRaw`
      INSERT INTO dead_letter (id, service, source, reason, payload)
      SELECT id, ${service}, source, reason, decode(payload, 'base64')
      FROM json_to_recordset(${doc}::json) AS x(id uuid, source text, reason text, payload text)`;
  }
}
