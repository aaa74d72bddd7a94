import type { QuoteRequestV1, QuoteV1 } from '@kuruma/contracts';
import { DRIVER_BOOKING_UPSERT, type DriverBookingRow, driverBookingDocument } from '../driving/driver-record.repository';
import { fixedStatement, type SqlTx } from '../sql/sql-database';

export interface QuoteRecord {
  partnerId: string;
  request: QuoteRequestV1;
  quote: QuoteV1;
}

/** pricing's table: every quote given, for audit and for reproducing a price later. */
export class QuoteRepository {
  constructor(private readonly db: SqlTx) {}

  /**
   * A chunk's quotes and its bookings' driver rows (DRIVER_BOOKING_UPSERT) in one statement: one
   * round trip and one commit where two autocommitted statements on two pool connections woke two
   * Postgres backends and flushed the WAL twice per chunk. A quote id seen before (same inputs,
   * same tariff) is kept once. Both writes are idempotent, so a redelivered chunk rewrites the same.
   */
  async saveChunk(records: QuoteRecord[], drivers: DriverBookingRow[]): Promise<void> {
    if (records.length === 0 && drivers.length === 0) return;
    await this.db.$executeRaw(SAVE_CHUNK, quoteDocument(records), driverBookingDocument(drivers));
  }
}

/**
 * One JSON document for the whole chunk: a single native JSON.stringify here and one parse in
 * Postgres, instead of escaping thousands of array elements (breakdowns, requests) one by one.
 * A booking's created and confirmed events usually share one quote id (same inputs, same tariff)
 * and arrive in the same chunk: each id is sent once rather than have Postgres parse the second
 * copy only to discard it on conflict.
 */
function quoteDocument(records: QuoteRecord[]): string {
  const now = Date.now();
  const seen = new Set<string>();
  const unique = records.filter((r) => r.quote.status !== 'quoted' || (!seen.has(r.quote.quoteId) && seen.add(r.quote.quoteId)));
  return JSON.stringify(
    unique.map((r) => ({
      id: r.quote.status === 'quoted' ? r.quote.quoteId : `d_${r.partnerId}_${r.request.bookingId}_${now}`,
      partner_id: r.partnerId,
      booking_id: r.request.bookingId,
      status: r.quote.status,
      premium_yen: r.quote.status === 'quoted' ? r.quote.premium : null,
      tariff_version: r.quote.tariffVersion ?? null,
      breakdown: r.quote.status === 'quoted' ? r.quote.breakdown : null,
      reasons: r.quote.status === 'declined' ? r.quote.reasons : null,
      request: r.request,
    })),
  );
}

/** Data-modifying CTEs run to completion whether or not the outer statement reads them. */
const SAVE_CHUNK = fixedStatement(
  `WITH saved_quotes AS (
      INSERT INTO quote (id, partner_id, booking_id, status, premium_yen, tariff_version, breakdown, reasons, request)
      SELECT id, partner_id, booking_id, status, premium_yen, tariff_version, breakdown, reasons, request
      FROM jsonb_to_recordset(`,
  `::jsonb)
        AS x(id text, partner_id text, booking_id text, status text, premium_yen int, tariff_version text, breakdown jsonb, reasons jsonb, request jsonb)
      ON CONFLICT (id) DO NOTHING)
    ${DRIVER_BOOKING_UPSERT[0]}`,
  DRIVER_BOOKING_UPSERT[1],
);
