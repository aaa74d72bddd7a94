import type { SqlTx } from '../sql/sql-database';

export interface DeviceRow {
  id: string;
  partnerId: string;
  vehicleId: string;
}

/** Registered in-car gateways (claims-trigger), plain SQL on the service's node-postgres pool. */
export class DeviceRepository {
  constructor(private readonly db: SqlTx) {}

  async findById(id: string): Promise<DeviceRow | null> {
    const rows = await this.db.$queryRaw<DeviceRow[]>`SELECT id, partner_id AS "partnerId", vehicle_id AS "vehicleId" FROM device WHERE id = ${id}`;
    return rows[0] ?? null;
  }

  /** Registers a device, or moves a registered one to another vehicle (its partner never changes here). */
  async upsert(device: DeviceRow): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO device (id, partner_id, vehicle_id) VALUES (${device.id}, ${device.partnerId}, ${device.vehicleId})
      ON CONFLICT (id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, updated_at = now()`;
  }
}
