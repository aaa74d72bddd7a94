/** What the tariff needs to price a change to bound cover. */
export interface PricedCover {
  /** The booking as quoted. */
  request: unknown;
  tariffVersion: string;
  /** Premium charged so far, integer yen. */
  premium: number;
}

/**
 * The amounts of the tariff a policy was bound under. The policy decides which change applies
 * and when; the rating engine (another domain library, which this one may not import) says how
 * much, so the application hands it in through this port.
 */
export interface PolicyTariff {
  /** Extra premium for cover to `newEnd` instead of `currentEnd`, and the premium after it. */
  extensionPremium(cover: PricedCover, currentEnd: Date, newEnd: Date): { premiumDelta: number; newPremium: number };
  /** Refund for cover booked to `coverEnd` that ended at `endedAt`. */
  earlyEndRefund(cover: PricedCover, coverEnd: Date, endedAt: Date): number;
  /** Refund for a cancellation before cover starts. */
  cancellationRefund(cover: PricedCover): number;
  /** Refund for a booking whose driver never came. */
  noShowRefund(cover: PricedCover): number;
  /** Late-return extension step and the product maximum from the start of cover. */
  lateReturnRule(tariffVersion: string): { stepMinutes: number; maximumMinutes: number };
}
