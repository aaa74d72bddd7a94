import type { DatabaseTx } from '../prisma-client.factory';
import { POLICY_COLUMNS, type PolicyRow } from './policy.repository';

/** Where a page of policies ended: the last policy's creation instant (ISO, ms) and id. */
export type PolicyPosition = [createdAt: string, id: string];

/**
 * A partner's policies newest first, optionally of one booking, `limit` from after `after`
 * (keyset on created_at, id: a page never repeats or skips a policy while new ones are bound).
 */
export async function policyPage(db: DatabaseTx, partnerId: string, query: { bookingId?: string; limit: number; after?: PolicyPosition }): Promise<(PolicyRow & { createdAt: Date })[]> {
  return db.$queryRawUnsafe<(PolicyRow & { createdAt: Date })[]>(
    `SELECT ${POLICY_COLUMNS}, created_at AS "createdAt" FROM policy
     WHERE partner_id = $1 AND ($2::text IS NULL OR booking_id = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    partnerId,
    query.bookingId ?? null,
    query.after?.[0] ?? null,
    query.after?.[1] ?? null,
    query.limit,
  );
}
