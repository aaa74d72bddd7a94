import type { ExperienceClaimRow, ExperienceIntervalRow } from '@kuruma/domain-calibration';
import type { SqlTx } from '../sql/sql-database';

/** A row of `experience_claim_development`: one movement of a claim's incurred and case reserve. */
export interface ClaimDevelopmentRow {
  claimId: string;
  rule: string;
  businessAt: Date;
  occurredAt: Date;
  developmentDays: number;
  incurredMovementYen: number;
  reserveMovementYen: number;
}

/**
 * Reads the experience data set (the views of migration 20261201221303): covered intervals whose
 * cover started in [from, to), their claims and the claims' development. Read-only.
 */
export class ExperienceRepository {
  constructor(private readonly db: SqlTx) {}

  async intervals(from: Date, to: Date): Promise<ExperienceIntervalRow[]> {
    const rows = await this.db.$queryRaw<(Omit<ExperienceIntervalRow, 'valueYen' | 'drivingScore' | 'exposureMinutes' | 'bookedMinutes'> & Record<string, unknown>)[]>`
      SELECT policy_id::text AS "policyId", partner_id AS "partnerId", plan, tariff_version AS "tariffVersion", cover_start AS "coverStart",
             cover_end AS "coverEnd", exposure_minutes::float8 AS "exposureMinutes", booked_minutes::float8 AS "bookedMinutes", endorsements,
             premium_yen AS "premiumYen", refund_yen AS "refundYen", driver_age AS "driverAge", grade, licence_colour AS "licenceColour",
             vehicle_category AS "vehicleCategory", model_rating_class AS "modelRatingClass", vehicle_age_months AS "vehicleAgeMonths",
             value_yen::float8 AS "valueYen", region, driving_score::float8 AS "drivingScore",
             driving_score_source AS "drivingScoreSource"
        FROM experience_interval WHERE cover_start >= ${from} AND cover_start < ${to} ORDER BY cover_start, policy_id`;
    return rows as unknown as ExperienceIntervalRow[];
  }

  async claims(from: Date, to: Date): Promise<ExperienceClaimRow[]> {
    return this.db.$queryRaw<ExperienceClaimRow[]>`
      SELECT c.claim_id::text AS "claimId", c.policy_id::text AS "policyId", c.status, c.severity, c.cause, c.coverages,
             c.occurred_at AS "occurredAt", c.reserve_yen AS "reserveYen", c.incurred_yen::float8 AS "incurredYen"
        FROM experience_claim c JOIN experience_interval i ON i.policy_id = c.policy_id
       WHERE i.cover_start >= ${from} AND i.cover_start < ${to} ORDER BY c.occurred_at, c.claim_id`;
  }

  async development(from: Date, to: Date): Promise<ClaimDevelopmentRow[]> {
    return this.db.$queryRaw<ClaimDevelopmentRow[]>`
      SELECT d.claim_id::text AS "claimId", d.rule, d.business_at AS "businessAt", d.occurred_at AS "occurredAt", d.development_days AS "developmentDays",
             d.incurred_movement_yen::float8 AS "incurredMovementYen", d.reserve_movement_yen::float8 AS "reserveMovementYen"
        FROM experience_claim_development d JOIN experience_claim c ON c.claim_id = d.claim_id JOIN experience_interval i ON i.policy_id = c.policy_id
       WHERE i.cover_start >= ${from} AND i.cover_start < ${to} ORDER BY d.claim_id, d.business_at`;
  }

  /** The quote requests of the policies in force at `at` (the book a new tariff's premium impact is measured on). */
  async inForceRequests(at: Date): Promise<{ policyId: string; tariffVersion: string | null; request: unknown }[]> {
    return this.db.$queryRaw`
      SELECT id::text AS "policyId", tariff_version AS "tariffVersion", request FROM policy
       WHERE status IN ('bound', 'active') AND cover_start <= ${at} AND cover_end > ${at} ORDER BY id`;
  }
}
