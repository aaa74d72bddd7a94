import type { PolicyTariff, PricedCover } from '@kuruma/domain-policy';
import { type BoundCover, lateReturnRule, priceExtension, refundForCancellation, refundForEarlyEnd, refundForNoShow } from '@kuruma/domain-rating';

const bound = (cover: PricedCover): BoundCover => ({ request: cover.request as BoundCover['request'], tariffVersion: cover.tariffVersion, premium: cover.premium });

/** The rating engine's amounts under the tariff a policy was bound with (the Policy aggregate's port). */
export const boundTariff: PolicyTariff = {
  extensionPremium: (cover, currentEnd, newEnd) => priceExtension(bound(cover), currentEnd, newEnd),
  earlyEndRefund: (cover, coverEnd, endedAt) => refundForEarlyEnd(bound(cover), coverEnd, endedAt),
  cancellationRefund: (cover) => refundForCancellation(bound(cover)),
  noShowRefund: (cover) => refundForNoShow(bound(cover)),
  lateReturnRule,
};
