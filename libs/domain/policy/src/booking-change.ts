import type { BookingEventDataV1, BookingEventType, QuoteV1 } from '@kuruma/contracts';

/** One booking event as the policy sees it, with the tariff engine's answer for bookable events. */
export interface BookingChange {
  type: BookingEventType;
  /** `{partnerId}:{eventId}`: every policy event and endorsement it causes names it. */
  causationId: string;
  sequence: number;
  /** When the booking event happened (a cancellation's time). */
  at: Date;
  booking: BookingEventDataV1;
  /** Present on com.kurumacover.booking.created and com.kurumacover.booking.confirmed. */
  quote?: QuoteV1;
}
