import type { QuoteRequestV1, QuoteV1 } from '@kuruma/contracts';
import type { SqlTx } from '../sql/sql-database';

export interface QuoteRecord {
  partnerId: string;
  request: QuoteRequestV1;
  quote: QuoteV1;
}

/** pricing's table: every quote given, for audit and for reproducing a price later. */
export class QuoteRepository {
  constructor(private readonly db: SqlTx) {}

  /** Set-based insert; a quote id seen before (same inputs, same tariff) is kept once. */
  async saveAll(records: QuoteRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = Date.now();
    // One JSON document for the whole chunk: a single native JSON.stringify here and one parse in
    // Postgres, instead of escaping thousands of array elements (breakdowns, requests) one by one.
    // A booking's created and confirmed events usually share one quote id (same inputs, same
    // tariff) and arrive in the same chunk: send each id once rather than have Postgres parse the
    // second copy only to discard it on conflict.
    const seen = new Set<string>();
    const unique = records.filter((r) => r.quote.status !== 'quoted' || (!seen.has(r.quote.quoteId) && seen.add(r.quote.quoteId)));
    const rows = unique.map((r) => ({
      id: r.quote.status === 'quoted' ? r.quote.quoteId : `d_${r.partnerId}_${r.request.bookingId}_${now}`,
      partner_id: r.partnerId,
      booking_id: r.request.bookingId,
      status: r.quote.status,
      premium_yen: r.quote.status === 'quoted' ? r.quote.premium : null,
      tariff_version: r.quote.tariffVersion ?? null,
      breakdown: r.quote.status === 'quoted' ? r.quote.breakdown : null,
      reasons: r.quote.status === 'declined' ? r.quote.reasons : null,
      request: r.request,
    }));
    await this.db.$executeRaw`
      INSERT INTO quote (id, partner_id, booking_id, status, premium_yen, tariff_version, breakdown, reasons, request)
      SELECT id, partner_id, booking_id, status, premium_yen, tariff_version, breakdown, reasons, request
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(id text, partner_id text, booking_id text, status text, premium_yen int, tariff_version text, breakdown jsonb, reasons jsonb, request jsonb)
      ON CONFLICT (id) DO NOTHING`;
  }
}
