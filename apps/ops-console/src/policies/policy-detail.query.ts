import type { Database } from '@kuruma/data-access-db';
import { storedBreakdownWithSources } from '@kuruma/domain-rating';

export interface TimelineEntry {
  at: string;
  kind: string;
  summary: string;
  premiumDeltaYen?: number;
  refundYen?: number;
}

/** Everything ops needs about one policy: the row, its breakdown, a timeline and related claims. */
export class PolicyDetailQuery {
  constructor(private readonly db: Database) {}

  async run(policyId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(policyId)) return null;
    const policy = await this.db.policy.findUnique({ where: { id: policyId }, include: { endorsements: { orderBy: { createdAt: 'asc' } } } });
    if (!policy) return null;
    const [quote, claims, bookingEvents] = await Promise.all([
      policy.quoteId ? this.db.quote.findUnique({ where: { id: policy.quoteId } }).catch(() => null) : null,
      this.db.claim.findMany({ where: { policyId: policy.id }, orderBy: { openedAt: 'asc' } }),
      this.db.bookingEvent.findMany({ where: { partnerId: policy.partnerId, bookingId: policy.bookingId }, orderBy: { sequence: 'asc' } }),
    ]);
    const timeline: TimelineEntry[] = [
      ...bookingEvents.map((e) => ({ at: e.receivedAt.toISOString(), kind: e.type, summary: `booking event #${e.sequence} (${e.outcome})` })),
      ...(quote ? [{ at: quote.createdAt.toISOString(), kind: 'quote', summary: quote.status === 'quoted' ? `quoted ${quote.premiumYen} yen with ${quote.tariffVersion}` : `declined` }] : []),
      ...(policy.boundAt ? [{ at: policy.boundAt.toISOString(), kind: 'policy.bound', summary: `bound ${policy.policyNumber ?? ''}` }] : []),
      ...policy.endorsements.map((e) => ({
        at: e.createdAt.toISOString(),
        kind: `endorsement.${e.kind}`,
        summary: `${e.kind}${e.reason ? ` (${e.reason})` : ''}${e.coverEndAfter ? ` cover to ${e.coverEndAfter.toISOString()}` : ''}`,
        premiumDeltaYen: e.premiumDeltaYen,
        refundYen: e.refundYen,
      })),
      ...claims.map((c) => ({ at: c.openedAt.toISOString(), kind: 'claim', summary: `${c.claimNumber} ${c.severity} ${c.status}` })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const { endorsements, ...row } = policy;
    // Stored without sources (fixed by the tariff version); ops read them here.
    const breakdown = storedBreakdownWithSources(policy.breakdown, policy.tariffVersion);
    return { policy: { ...row, breakdown }, endorsements, breakdown, timeline, claims };
  }
}
