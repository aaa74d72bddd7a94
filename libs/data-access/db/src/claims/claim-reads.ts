import type { SqlTx } from '../sql/sql-database';

/** A claim as the claims API shows it (every column, as Prisma's model named them). */
export interface ClaimView {
  id: string;
  claimNumber: string;
  partnerId: string;
  vehicleId: string;
  policyId: string;
  policyNumber: string;
  bookingId: string;
  driverId: string;
  plan: string;
  status: string;
  severity: string;
  cause: string;
  accidentId: string | null;
  occurredAt: Date;
  lastSignalAt: Date;
  lat: number | null;
  lon: number | null;
  coverages: unknown;
  reserveYen: number;
  openedAt: Date;
  updatedAt: Date;
}

export interface ClaimSignalView {
  id: string;
  claimId: string;
  deviceId: string;
  eventId: string;
  channel: string;
  payload: unknown;
  occurredAt: Date;
  receivedAt: Date;
}

/** Where a page of claims ended: the last claim's opening instant (ISO, ms) and id. */
export type ClaimPosition = [openedAt: string, id: string];

const CLAIM_COLUMNS = `c.id::text, c.claim_number AS "claimNumber", c.partner_id AS "partnerId", c.vehicle_id AS "vehicleId",
  c.policy_id::text AS "policyId", c.policy_number AS "policyNumber", c.booking_id AS "bookingId", c.driver_id AS "driverId",
  c.plan, c.status, c.severity, c.cause, c.accident_id AS "accidentId", c.occurred_at AS "occurredAt",
  c.last_signal_at AS "lastSignalAt", c.lat, c.lon, c.coverages, c.reserve_yen AS "reserveYen",
  c.opened_at AS "openedAt", c.updated_at AS "updatedAt"`;

/**
 * The claims API's reads, plain SQL on the service's node-postgres pool, so claims-trigger loads no
 * Prisma client (docs/benchmarks.md, "Quotes and memory"). Same rows and field names as the
 * Prisma queries they replace.
 */
export class ClaimReads {
  constructor(private readonly db: SqlTx) {}

  /** Newest first, at most `limit`, each with its number of signals; absent filters match everything. */
  async list(filter: { partnerId?: string; vehicleId?: string; status?: string }, limit = 200): Promise<(ClaimView & { signalCount: number })[]> {
    return this.db.$queryRawUnsafe<(ClaimView & { signalCount: number })[]>(
      `SELECT ${CLAIM_COLUMNS}, (SELECT count(*)::int FROM claim_signal s WHERE s.claim_id = c.id) AS "signalCount"
       FROM claim c
       WHERE ($1::text IS NULL OR c.partner_id = $1) AND ($2::text IS NULL OR c.vehicle_id = $2) AND ($3::text IS NULL OR c.status = $3)
       ORDER BY c.opened_at DESC LIMIT $4`,
      filter.partnerId ?? null,
      filter.vehicleId ?? null,
      filter.status ?? null,
      limit,
    );
  }

  /**
   * The claims API's pages: newest first from after `after` (keyset on opened_at, id, so a page
   * never repeats or skips a claim while new ones open), at most `limit`.
   */
  async page(filter: { partnerId?: string; vehicleId?: string; status?: string }, limit: number, after?: ClaimPosition): Promise<(ClaimView & { signalCount: number })[]> {
    return this.db.$queryRawUnsafe<(ClaimView & { signalCount: number })[]>(
      `SELECT ${CLAIM_COLUMNS}, (SELECT count(*)::int FROM claim_signal s WHERE s.claim_id = c.id) AS "signalCount"
       FROM claim c
       WHERE ($1::text IS NULL OR c.partner_id = $1) AND ($2::text IS NULL OR c.vehicle_id = $2) AND ($3::text IS NULL OR c.status = $3)
         AND ($5::timestamptz IS NULL OR (c.opened_at, c.id) < ($5::timestamptz, $6::uuid))
       ORDER BY c.opened_at DESC, c.id DESC LIMIT $4`,
      filter.partnerId ?? null,
      filter.vehicleId ?? null,
      filter.status ?? null,
      limit,
      after?.[0] ?? null,
      after?.[1] ?? null,
    );
  }

  /** One claim with its signals, oldest first; `id` must be a uuid. */
  async withSignals(id: string): Promise<(ClaimView & { signals: ClaimSignalView[] }) | null> {
    const [claim] = await this.db.$queryRawUnsafe<ClaimView[]>(`SELECT ${CLAIM_COLUMNS} FROM claim c WHERE c.id = $1::uuid`, id);
    return claim ? { ...claim, signals: await this.signalsOf(claim.id) } : null;
  }

  /** The same, found by its claim number (the console's search box takes either). */
  async withSignalsByNumber(claimNumber: string): Promise<(ClaimView & { signals: ClaimSignalView[] }) | null> {
    const [claim] = await this.db.$queryRawUnsafe<ClaimView[]>(`SELECT ${CLAIM_COLUMNS} FROM claim c WHERE c.claim_number = $1`, claimNumber);
    return claim ? { ...claim, signals: await this.signalsOf(claim.id) } : null;
  }

  /** The claims on one policy, oldest first. */
  async ofPolicy(policyId: string): Promise<ClaimView[]> {
    return this.db.$queryRawUnsafe<ClaimView[]>(`SELECT ${CLAIM_COLUMNS} FROM claim c WHERE c.policy_id = $1::uuid ORDER BY c.opened_at`, policyId);
  }

  private signalsOf(claimId: string): Promise<ClaimSignalView[]> {
    return this.db.$queryRaw<ClaimSignalView[]>`
      SELECT id::text, claim_id::text AS "claimId", device_id AS "deviceId", event_id AS "eventId", channel, payload,
             occurred_at AS "occurredAt", received_at AS "receivedAt"
      FROM claim_signal WHERE claim_id = ${claimId}::uuid ORDER BY occurred_at`;
  }
}
