import { z } from 'zod';
import { quoteV1Schema } from '../pricing/quote.v1';
import { bookingAcceptedV1Schema } from './booking-accepted.v1';

/**
 * Internal: an accepted booking event with its price, from pricing to policy on
 * `kuruma.booking-priced.v1`. `quote` is present for com.kurumacover.booking.created and com.kurumacover.booking.confirmed.
 */
export const bookingPricedV1Schema = bookingAcceptedV1Schema.extend({
  /** The tariff engine's answer for bookable events. */
  quote: quoteV1Schema.optional(),
  /** When pricing produced it. */
  pricedAt: z.string(),
});
export type BookingPricedV1 = z.infer<typeof bookingPricedV1Schema>;
