import type { Database } from '@kuruma/data-access-db';

export interface PolicySearchPage {
  items: { id: string; policyNumber: string | null; bookingId: string; partnerId: string; vehicleId: string; driverId: string; plan: string; status: string; premiumYen: number; coverStart: Date | null; coverEnd: Date | null; createdAt: Date }[];
  /** Opaque keyset cursor for the next page; null on the last page. */
  next: string | null;
}

/**
 * One box for booking id, policy number, vehicle id or driver id: each is an exact, indexed match,
 * and pages are keyset (created_at, id) so page 500 costs what page 1 costs.
 */
export class PolicySearchQuery {
  constructor(private readonly db: Database) {}

  async run(q: string, cursor: string | undefined, limit: number): Promise<PolicySearchPage> {
    const term = q.trim();
    const after = decodeCursor(cursor);
    const rows = await this.db.policy.findMany({
      where: {
        AND: [
          term ? { OR: [{ bookingId: term }, { policyNumber: term }, { vehicleId: term }, { driverId: term }] } : {},
          after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: { id: true, policyNumber: true, bookingId: true, partnerId: true, vehicleId: true, driverId: true, plan: true, status: true, premiumYen: true, coverStart: true, coverEnd: true, createdAt: true },
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
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
