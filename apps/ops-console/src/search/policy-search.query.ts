import type { SqlTx } from '@kuruma/data-access-db';
import { driverPseudonym } from '@kuruma/domain-rating';

export interface PolicySearchPage {
  items: { id: string; policyNumber: string | null; bookingId: string; partnerId: string; vehicleId: string; driverId: string; plan: string; status: string; premiumYen: number; coverStart: Date | null; coverEnd: Date | null; createdAt: Date }[];
  /** Opaque keyset cursor for the next page; null on the last page. */
  next: string | null;
}

/**
 * One box for booking id, policy number, vehicle id or driver: each is an exact, indexed match,
 * and pages are keyset (created_at, id) so page 500 costs what page 1 costs. Policies keep the
 * driver's pseudonym, not the partner's reference (docs/privacy.md), so a term is also hashed
 * into its pseudonym at each partner (there are a handful): ops type the reference a partner gave
 * them, or the pseudonym a policy shows.
 */
export class PolicySearchQuery {
  constructor(
    private readonly db: SqlTx,
    /** DRIVER_PSEUDONYM_KEY. */
    private readonly driverKey: string,
  ) {}

  async run(q: string, cursor: string | undefined, limit: number): Promise<PolicySearchPage> {
    const term = q.trim();
    const after = decodeCursor(cursor);
    // Only the conditions in use go into the text, so each variant is planned with its own index.
    const params: unknown[] = [];
    const where: string[] = [];
    if (term) {
      params.push(term, [term, ...(await this.driverPseudonymsOf(term))]);
      where.push('(booking_id = $1 OR policy_number = $1 OR vehicle_id = $1 OR driver_id = ANY($2::text[]))');
    }
    if (after) {
      params.push(after.at, after.id);
      where.push(`(created_at < $${params.length - 1} OR (created_at = $${params.length - 1} AND id < $${params.length}::uuid))`);
    }
    params.push(limit + 1);
    const rows = await this.db.$queryRawUnsafe<PolicySearchPage['items']>(
      `SELECT id::text, policy_number AS "policyNumber", booking_id AS "bookingId", partner_id AS "partnerId", vehicle_id AS "vehicleId",
              driver_id AS "driverId", plan, status, premium_yen AS "premiumYen", cover_start AS "coverStart", cover_end AS "coverEnd",
              created_at AS "createdAt"
         FROM policy ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      ...params,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** The pseudonym a driver of this reference has at each partner. */
  private async driverPseudonymsOf(reference: string): Promise<string[]> {
    const partners = await this.db.$queryRawUnsafe<{ id: string }[]>('SELECT id FROM partner');
    return partners.map((p) => driverPseudonym(this.driverKey, p.id, reference));
  }
}

const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    return { at: new Date(at), id };
  } catch {
    return null;
  }
}
