import type { QuoteRequestV1 } from '@kuruma/contracts';
import { computePremium, type PricingContext } from './price-quote';
import { tariffs } from './tariff-registry';

/**
 * Prices for changes to bound cover. All use the ORIGINAL tariff version, so a tariff published
 * after binding never changes what the driver was promised.
 */
export interface BoundCover {
  request: QuoteRequestV1;
  tariffVersion: string;
  /** Premium charged so far, in yen. */
  premium: number;
  platformClaims?: number;
}

const premiumFor = (cover: BoundCover, endsAt: Date) =>
  computePremium(cover.request, tariffs.byVersion(cover.tariffVersion), new Date(cover.request.startsAt), endsAt, { platformClaims: cover.platformClaims } as PricingContext).premium;

/** Extra premium for extending cover to `newEndsAt`: P(new total) - P(original), never negative. */
export function priceExtension(cover: BoundCover, currentEndsAt: Date, newEndsAt: Date): { premiumDelta: number; newPremium: number } {
  if (newEndsAt.getTime() <= currentEndsAt.getTime()) return { premiumDelta: 0, newPremium: cover.premium };
  const originalPeriodPremium = premiumFor(cover, currentEndsAt);
  const newPeriodPremium = premiumFor(cover, newEndsAt);
  const premiumDelta = Math.max(0, newPeriodPremium - originalPeriodPremium);
  return { premiumDelta, newPremium: cover.premium + premiumDelta };
}

/** Cancellation before the start of cover: everything back. */
export function refundForCancellation(cover: BoundCover): number {
  return cover.premium;
}

/**
 * Early end: the unused part minus a fee, only for bookings of at least the tariff's minimum
 * (1.5 days by default; shorter bookings are priced on their concave curve with no refund).
 */
export function refundForEarlyEnd(cover: BoundCover, coverEnd: Date, endedAt: Date): number {
  const rule = tariffs.byVersion(cover.tariffVersion).data.refunds.earlyEnd;
  const start = new Date(cover.request.startsAt);
  const bookedMinutes = (coverEnd.getTime() - start.getTime()) / 60_000;
  if (bookedMinutes < rule.minimumBookedMinutes || endedAt.getTime() >= coverEnd.getTime()) return 0;
  const used = premiumFor(cover, new Date(Math.max(endedAt.getTime(), start.getTime() + 60_000)));
  return Math.max(0, cover.premium - used - rule.feeYen);
}

/** No-show: the premium back minus the tariff's no-show fee. */
export function refundForNoShow(cover: BoundCover): number {
  const rule = tariffs.byVersion(cover.tariffVersion).data.refunds.noShow;
  return Math.max(0, cover.premium - rule.feeYen);
}

/** Late-return auto-extension step and the product maximum, from the bound tariff. */
export function lateReturnRule(tariffVersion: string): { stepMinutes: number; maximumMinutes: number } {
  const t = tariffs.byVersion(tariffVersion).data;
  return { stepMinutes: t.refunds.lateReturn.stepMinutes, maximumMinutes: t.exposure.maximumMinutes };
}
