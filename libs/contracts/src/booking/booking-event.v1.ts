import { z } from 'zod';
import { cloudEventSchema, prefixedEventTypes } from '../cloudevents/cloud-event';
import { coverInstantSchema, quoteRequestFieldsV1Schema } from '../pricing/quote-request.v1';
import { storableStrings } from '../text/storable-text';

/** Booking lifecycle event types partners publish on `carshare.booking-events.v1`. */
export const BOOKING_EVENT_TYPES = prefixedEventTypes([
  'booking.created',
  'booking.confirmed',
  'booking.started',
  'booking.extended',
  'booking.ended',
  'booking.cancelled',
  'booking.no-show',
]);
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

/** `data` of every booking event: the quote request plus ordering and lifecycle fields. */
export const bookingEventDataV1Schema = quoteRequestFieldsV1Schema.extend({
  /** Increases by one with each event of this booking; the platform applies events in this order. */
  sequence: z.number().int().min(1),
  /** Actual return time; required on `com.kurumacover.booking.ended`. */
  endedAt: coverInstantSchema.optional(),
});
export type BookingEventDataV1 = z.infer<typeof bookingEventDataV1Schema>;

/** A partner's booking event: CloudEvents 1.0 envelope, `source` = `partner/{partnerId}`, `subject` = bookingId. */
export const bookingEventV1Schema = storableStrings(
  cloudEventSchema(BOOKING_EVENT_TYPES, bookingEventDataV1Schema)
    .extend({
      source: z.string().regex(/^partner\/[A-Za-z0-9._-]+$/, 'must be partner/{partnerId}'),
      subject: z.string().min(1).max(128),
    })
    .superRefine((event, ctx) => {
      if (event.subject !== event.data.bookingId) {
        ctx.addIssue({ code: 'custom', path: ['subject'], message: 'must equal data.bookingId' });
      }
      if (event.source !== `partner/${event.data.partnerId}`) {
        ctx.addIssue({ code: 'custom', path: ['source'], message: 'must equal partner/{data.partnerId}' });
      }
      if (event.type === 'com.kurumacover.booking.ended' && !event.data.endedAt) {
        ctx.addIssue({ code: 'custom', path: ['data', 'endedAt'], message: 'is required on com.kurumacover.booking.ended' });
      }
    }),
);
export type BookingEventV1 = z.infer<typeof bookingEventV1Schema>;
