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
    const ids = records.map((r) => (r.quote.status === 'quoted' ? r.quote.quoteId : `d_${r.partnerId}_${r.request.bookingId}_${Date.now()}`));
    await this.db.$executeRaw`
      INSERT INTO quote (id, partner_id, booking_id, status, premium_yen, tariff_version, breakdown, reasons, request)
      SELECT i, p, b, s, pr, tv, br::jsonb, rs::jsonb, rq::jsonb
      FROM unnest(${ids}::text[], ${records.map((r) => r.partnerId)}::text[], ${records.map((r) => r.request.bookingId)}::text[],
                  ${records.map((r) => r.quote.status)}::text[],
                  ${records.map((r) => (r.quote.status === 'quoted' ? r.quote.premium : null))}::int[],
                  ${records.map((r) => r.quote.tariffVersion ?? null)}::text[],
                  ${records.map((r) => (r.quote.status === 'quoted' ? JSON.stringify(r.quote.breakdown) : null))}::text[],
                  ${records.map((r) => (r.quote.status === 'declined' ? JSON.stringify(r.quote.reasons) : null))}::text[],
                  ${records.map((r) => JSON.stringify(r.request))}::text[]) AS x(i, p, b, s, pr, tv, br, rs, rq)
      ON CONFLICT (id) DO NOTHING`;
  }
}
