import type { EndorsementRow, PolicyRow } from '@kuruma/data-access-db';
import { coverScheduleOf, storedBreakdownWithSources, toJapanTime } from '@kuruma/domain-rating';

const jst = (d: Date | null) => (d ? toJapanTime(d) : null);

/** The partner-facing view of a policy: cover and its limits, premium, breakdown and the endorsement timeline. */
export function policyView(p: PolicyRow, endorsements: (EndorsementRow & { createdAt: Date })[]) {
  return {
    policyId: p.id,
    policyNumber: p.policyNumber,
    bookingId: p.bookingId,
    partnerId: p.partnerId,
    status: p.status,
    bookingStatus: p.bookingStatus,
    plan: p.plan,
    vehicleId: p.vehicleId,
    driverId: p.driverId,
    coverStart: jst(p.coverStart),
    coverEnd: jst(p.coverEnd),
    premium: p.premiumYen,
    refund: p.refundYen,
    currency: 'JPY',
    tariffVersion: p.tariffVersion,
    quoteId: p.quoteId,
    // Stored without sources (fixed by the tariff version); the partner reads them here.
    breakdown: storedBreakdownWithSources(p.breakdown, p.tariffVersion),
    // Limits, deductibles and exclusions follow from the bound tariff version, plan and vehicle value.
    cover: p.status === 'declined' ? null : (coverScheduleOf(p.tariffVersion, p.plan, p.request) ?? null),
    declineReasons: p.declineReasons,
    boundAt: jst(p.boundAt),
    endorsements: endorsements.map((e) => ({
      kind: e.kind,
      reason: e.reason,
      premiumDelta: e.premiumDeltaYen,
      refund: e.refundYen,
      coverEndBefore: jst(e.coverEndBefore),
      coverEndAfter: jst(e.coverEndAfter),
      at: jst(e.createdAt),
    })),
  };
}
