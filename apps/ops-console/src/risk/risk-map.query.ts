import type { SqlTx } from '@kuruma/data-access-db';

export interface RiskCell {
  /** South-west corner of the grid cell, degrees. */
  lat: number;
  lon: number;
  claims: number;
  incidents: number;
  reserveYen: number;
}

/**
 * Claims and incidents counted per grid cell (`cellDeg` degrees, 0.1 is about 11 km) over a period:
 * the regional risk view. Aggregated in Postgres so a year of data is one query, not a download.
 */
export class RiskMapQuery {
  constructor(private readonly db: SqlTx) {}

  async run(from: Date, to: Date, cellDeg: number): Promise<RiskCell[]> {
    // The sums are bigint, which node-postgres returns as strings.
    const rows = await this.db.$queryRaw<{ lat: number; lon: number; claims: string; incidents: string; reserve: string | null }[]>`
      WITH points AS (
        SELECT lat, lon, 1 AS claim, 0 AS incident, reserve_yen AS reserve FROM claim
         WHERE lat IS NOT NULL AND lon IS NOT NULL AND occurred_at >= ${from} AND occurred_at < ${to} AND status <> 'withdrawn'
        UNION ALL
        SELECT lat, lon, 0, 1, 0 FROM incident
         WHERE lat IS NOT NULL AND lon IS NOT NULL AND occurred_at >= ${from} AND occurred_at < ${to}
      )
      SELECT (floor(lat / ${cellDeg}) * ${cellDeg})::float8 AS lat, (floor(lon / ${cellDeg}) * ${cellDeg})::float8 AS lon,
             sum(claim) AS claims, sum(incident) AS incidents, sum(reserve) AS reserve
        FROM points GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5000`;
    return rows.map((r) => ({ lat: r.lat, lon: r.lon, claims: Number(r.claims), incidents: Number(r.incidents), reserveYen: Number(r.reserve ?? 0) }));
  }
}
