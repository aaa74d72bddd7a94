import { ClaimReads, type EndorsementRow, POLICY_COLUMNS, type PolicyRow, type SqlTx } from '@kuruma/data-access-db';
import { storedBreakdownWithSources } from '@kuruma/domain-rating';

export interface TimelineEntry {
  at: string;
  kind: string;
  summary: string;
  premiumDeltaYen?: number;
  refundYen?: number;
}

/** A policy as the console API shows it: every column, as Prisma's model named and ordered them. */
export type PolicyView = PolicyRow & { createdAt: Date; updatedAt: Date };
export type EndorsementView = { id: string } & EndorsementRow & { createdAt: Date };

/** Everything ops needs about one policy: the row, its breakdown, a timeline and related claims. */
export class PolicyDetailQuery {
  private readonly claims: ClaimReads;

  constructor(private readonly db: SqlTx) {
    this.claims = new ClaimReads(db);
  }

  async run(policyId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(policyId)) return null;
    const [policy] = await this.db.$queryRawUnsafe<PolicyView[]>(`SELECT ${POLICY_COLUMNS}, created_at AS "createdAt", updated_at AS "updatedAt" FROM policy WHERE id = $1::uuid`, policyId);
    if (!policy) return null;
    const [endorsements, quote, claims, bookingEvents] = await Promise.all([
      this.db.$queryRaw<EndorsementView[]>`
        SELECT id::text, policy_id::text AS "policyId", kind, reason, premium_delta_yen AS "premiumDeltaYen", refund_yen AS "refundYen",
               cover_end_before AS "coverEndBefore", cover_end_after AS "coverEndAfter", cause_id AS "causeId", created_at AS "createdAt"
          FROM endorsement WHERE policy_id = ${policy.id}::uuid ORDER BY created_at`,
      policy.quoteId
        ? this.db
            .$queryRaw<{ status: string; premiumYen: number | null; tariffVersion: string | null; createdAt: Date }[]>`
              SELECT status, premium_yen AS "premiumYen", tariff_version AS "tariffVersion", created_at AS "createdAt" FROM quote WHERE id = ${policy.quoteId}`
            .then(([q]) => q ?? null, () => null)
        : null,
      this.claims.ofPolicy(policy.id),
      this.db.$queryRaw<{ sequence: number; type: string; outcome: string; receivedAt: Date }[]>`
        SELECT sequence, type, outcome, received_at AS "receivedAt" FROM booking_event
         WHERE partner_id = ${policy.partnerId} AND booking_id = ${policy.bookingId} ORDER BY sequence`,
    ]);
    const timeline: TimelineEntry[] = [
      ...bookingEvents.map((e) => ({ at: e.receivedAt.toISOString(), kind: e.type, summary: `booking event #${e.sequence} (${e.outcome})` })),
      ...(quote ? [{ at: quote.createdAt.toISOString(), kind: 'quote', summary: quote.status === 'quoted' ? `quoted ${quote.premiumYen} yen with ${quote.tariffVersion}` : `declined` }] : []),
      ...(policy.boundAt ? [{ at: policy.boundAt.toISOString(), kind: 'com.kurumacover.policy.bound', summary: `bound ${policy.policyNumber ?? ''}` }] : []),
      ...endorsements.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: `endorsement.${e.kind}`,
        summary: `${e.kind}${e.reason ? ` (${e.reason})` : ''}${e.coverEndAfter ? ` cover to ${e.coverEndAfter.toISOString()}` : ''}`,
        premiumDeltaYen: e.premiumDeltaYen,
        refundYen: e.refundYen,
      })),
      ...claims.map((c) => ({ at: c.openedAt.toISOString(), kind: 'claim', summary: `${c.claimNumber} ${c.severity} ${c.status}` })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    // Stored without sources (fixed by the tariff version); ops read them here.
    const breakdown = storedBreakdownWithSources(policy.breakdown, policy.tariffVersion);
    return { policy: { ...policy, breakdown }, endorsements, breakdown, timeline, claims };
  }
}
