import type { SqlTx } from '../sql/sql-database';

export interface DeviceRow {
  id: string;
  partnerId: string;
  vehicleId: string;
  /** Set once the partner deleted the device; a revoked device's alerts are refused as unknown. */
  revokedAt?: Date | null;
}

/** Who changed a device's credentials, for the audit log (`partner:{id}` for a partner's API key). */
export interface DeviceActor {
  actor: string;
  role: string;
}

/** Registered in-car gateways (claims-trigger), plain SQL on the service's node-postgres pool. */
export class DeviceRepository {
  constructor(private readonly db: SqlTx) {}

  /** The device, revoked or not (a revoked id stays its partner's). */
  async findById(id: string): Promise<DeviceRow | null> {
    const rows = await this.db.$queryRaw<DeviceRow[]>`
      SELECT id, partner_id AS "partnerId", vehicle_id AS "vehicleId", revoked_at AS "revokedAt" FROM device WHERE id = ${id}`;
    return rows[0] ?? null;
  }

  /**
   * Registers a device, or moves a registered one to another vehicle (its partner never changes
   * here); registering a revoked device again makes it active with the new credentials.
   */
  async upsert(device: DeviceRow): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO device (id, partner_id, vehicle_id) VALUES (${device.id}, ${device.partnerId}, ${device.vehicleId})
      ON CONFLICT (id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, revoked_at = NULL, revoked_by = NULL, updated_at = now()`;
  }

  /**
   * Marks the partner's active device revoked and writes the audit entry, in one statement.
   * False when there is no such active device of this partner (nothing written).
   */
  async revoke(id: string, partnerId: string, by: DeviceActor): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH revoked AS (
        UPDATE device SET revoked_at = now(), revoked_by = ${by.actor}, updated_at = now()
        WHERE id = ${id} AND partner_id = ${partnerId} AND revoked_at IS NULL
        RETURNING id, vehicle_id
      ), audited AS (
        INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
        SELECT gen_random_uuid(), ${by.actor}, ${by.role}, 'device.revoked', 'device', id, jsonb_build_object('vehicleId', vehicle_id) FROM revoked
      )
      SELECT id FROM revoked`;
    return rows.length === 1;
  }

  /** Records a credential rotation of the partner's active device (timestamp and audit entry). */
  async recordRotation(id: string, partnerId: string, by: DeviceActor, details: { certificate: boolean }): Promise<void> {
    await this.db.$executeRaw`
      WITH rotated AS (
        UPDATE device SET credentials_rotated_at = now(), updated_at = now()
        WHERE id = ${id} AND partner_id = ${partnerId} AND revoked_at IS NULL
        RETURNING id
      )
      INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
      SELECT gen_random_uuid(), ${by.actor}, ${by.role}, 'device.credentials-rotated', 'device', id, ${JSON.stringify(details)}::jsonb FROM rotated`;
  }
}
