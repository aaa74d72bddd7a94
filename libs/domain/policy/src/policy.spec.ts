import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookingEventDataV1, BookingEventType, QuoteV1 } from '@kuruma/contracts';
import type { BookingChange } from './booking-change';
import { Policy } from './policy';
import type { PolicySnapshot, PolicyStatus } from './policy-snapshot';
import type { PolicyTariff, PricedCover } from './policy-tariff';

const MINUTE = 60_000;
const start = new Date('2026-12-01T12:00:00+09:00');
const end = new Date('2026-12-01T16:00:00+09:00');
const now = new Date('2026-12-01T10:00:00+09:00');

/**
 * A tariff simple enough to check by hand: 10 yen a minute of cover, early returns refunded for
 * the unused minutes less a 500 yen fee, no-shows less 300 yen. The real amounts are the rating
 * engine's (domain-rating's own tests); these tests are about which amount applies and when.
 */
class PerMinuteTariff implements PolicyTariff {
  extensionPremium(cover: PricedCover, currentEnd: Date, newEnd: Date) {
    const premiumDelta = Math.max(0, Math.round((newEnd.getTime() - currentEnd.getTime()) / MINUTE) * 10);
    return { premiumDelta, newPremium: cover.premium + premiumDelta };
  }
  earlyEndRefund(cover: PricedCover, coverEnd: Date, endedAt: Date) {
    const from = Math.max(endedAt.getTime(), Date.parse((cover.request as BookingEventDataV1).startsAt));
    return Math.max(0, Math.round((coverEnd.getTime() - from) / MINUTE) * 10 - 500);
  }
  cancellationRefund(cover: PricedCover) {
    return cover.premium;
  }
  noShowRefund(cover: PricedCover) {
    return Math.max(0, cover.premium - 300);
  }
  lateReturnRule() {
    return { stepMinutes: 30, maximumMinutes: 7 * 24 * 60 };
  }
}
const tariff = new PerMinuteTariff();

const booking = (over: Partial<BookingEventDataV1> = {}): BookingEventDataV1 =>
  ({
    bookingId: 'b-1',
    partnerId: 'demo',
    startsAt: '2026-12-01T12:00:00+09:00',
    endsAt: '2026-12-01T16:00:00+09:00',
    plan: 'standard',
    vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 9, firstRegistration: '2020-01', eco: false, asv: true, plateClassification: '300' },
    driver: { driverId: 'd-1', age: 35, licenceColour: 'blue' },
    sequence: 1,
    ...over,
  }) as BookingEventDataV1;

const quoted: QuoteV1 = {
  status: 'quoted',
  premium: 2_400,
  currency: 'JPY',
  tariffVersion: 'kc-test',
  quoteId: 'q-1',
  coverStart: '2026-12-01T12:00:00+09:00',
  coverEnd: '2026-12-01T16:00:00+09:00',
  billedMinutes: 240,
  breakdown: [],
};
const declined: QuoteV1 = { status: 'declined', reasons: [{ code: 'driver-underage', message: 'under 18' }] };

let sequence = 0;
function change(type: BookingEventType, over: Omit<Partial<BookingChange>, 'booking'> & { booking?: Partial<BookingEventDataV1> } = {}): BookingChange {
  sequence += 1;
  const bookable = type === 'com.kurumacover.booking.created' || type === 'com.kurumacover.booking.confirmed';
  return { type, causationId: `demo:e-${sequence}`, sequence, at: now, quote: bookable ? quoted : undefined, ...over, booking: booking({ sequence, ...over.booking }) };
}

const newPolicy = () => Policy.forBooking('0190f0a0-0000-7000-8000-000000000001', 'demo', booking(), tariff);

/** A policy in `status` with the standard 12:00-16:00 cover and nothing recorded. */
function policyIn(status: PolicyStatus): Policy {
  const sut = newPolicy();
  if (status === 'none') return sut;
  if (status === 'declined') sut.applyBookingEvent(change('com.kurumacover.booking.created', { quote: declined }), now);
  if (status === 'quoted') sut.applyBookingEvent(change('com.kurumacover.booking.created'), now);
  if (status !== 'quoted' && status !== 'declined') sut.applyBookingEvent(change('com.kurumacover.booking.confirmed'), now);
  if (status === 'active' || status === 'ended') sut.applyBookingEvent(change('com.kurumacover.booking.started'), now);
  if (status === 'ended') sut.applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: '2026-12-01T16:00:00+09:00' } }), now);
  if (status === 'cancelled') sut.applyBookingEvent(change('com.kurumacover.booking.no-show'), now);
  expect(sut.status).toBe(status);
  sut.commit();
  return sut;
}

describe(Policy.name, () => {
  it('binds on confirmation at the quoted price, numbers the policy and records com.kurumacover.policy.bound', () => {
    const sut = policyIn('quoted');
    expect(sut.applyBookingEvent(change('com.kurumacover.booking.confirmed'), now)).toEqual({ accepted: true });
    const state = sut.snapshot();
    expect(state).toMatchObject({ status: 'bound', bookingStatus: 'confirmed', premiumYen: 2_400, coverStart: start, coverEnd: end, bookedEnd: end, boundAt: now, tariffVersion: 'kc-test' });
    expect(state.policyNumber).toMatch(/^KC-20261201-[0-9A-Z]{8}$/);
    expect(sut.uncommittedEvents()).toEqual([{ type: 'com.kurumacover.policy.bound', causationId: expect.stringMatching(/^demo:e-/), policy: state }]);
    expect(sut.uncommittedEndorsements()).toEqual([]);
  });

  it('declines with the reasons and tells the partner once, however often the booking is confirmed', () => {
    const sut = newPolicy();
    sut.applyBookingEvent(change('com.kurumacover.booking.confirmed', { quote: declined }), now);
    expect(sut.status).toBe('declined');
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.declined', reasons: declined.reasons, policy: { status: 'declined' } }]);
    sut.commit();
    expect(sut.applyBookingEvent(change('com.kurumacover.booking.confirmed', { quote: declined }), now)).toEqual({ accepted: true });
    expect(sut.uncommittedEvents()).toEqual([]);
  });

  it('records a quote on com.kurumacover.booking.created without publishing, and refuses a bookable event with no quote', () => {
    const sut = newPolicy();
    expect(sut.applyBookingEvent(change('com.kurumacover.booking.created', { quote: undefined }), now)).toEqual({ accepted: false, reason: 'no quote for a bookable event' });
    sut.applyBookingEvent(change('com.kurumacover.booking.created'), now);
    expect(sut.snapshot()).toMatchObject({ status: 'quoted', premiumYen: 2_400, policyNumber: null });
    expect(sut.uncommittedEvents()).toEqual([]);
  });

  it('extends cover to the new end for the extra premium, with an endorsement', () => {
    const sut = policyIn('active');
    sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: '2026-12-01T17:00:00+09:00' } }), now);
    const later = new Date('2026-12-01T17:00:00+09:00');
    expect(sut.snapshot()).toMatchObject({ status: 'active', coverEnd: later, bookedEnd: later, premiumYen: 3_000 });
    expect(sut.uncommittedEndorsements()).toMatchObject([{ kind: 'extension', reason: 'booking-extended', premiumDeltaYen: 600, coverEndBefore: end, coverEndAfter: later }]);
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.extended', premiumDelta: 600, reason: 'booking-extended', policy: { premiumYen: 3_000 } }]);
  });

  it('keeps the vehicle value it was bound with when a later event names another: the agreed value is fixed at binding', () => {
    const sut = newPolicy();
    const valued = (valueYen: number) => ({ ...booking().vehicle, valueYen });
    sut.applyBookingEvent(change('com.kurumacover.booking.created', { booking: { vehicle: valued(2_000_000) } }), now);
    sut.applyBookingEvent(change('com.kurumacover.booking.confirmed', { booking: { vehicle: valued(2_000_000) } }), now);
    sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: '2026-12-01T17:00:00+09:00', vehicle: valued(9_000_000) } }), now);

    expect(sut.snapshot().status).toBe('bound');
    expect((sut.snapshot().request as BookingEventDataV1).vehicle.valueYen).toBe(2_000_000);
  });

  it('refuses an extension that does not move the end later', () => {
    const sut = policyIn('bound');
    expect(sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: '2026-12-01T16:00:00+09:00' } }), now)).toEqual({
      accepted: false,
      reason: 'the new end is not later than the current cover end',
    });
  });

  it('refunds the unused part of an early return less the fee', () => {
    const sut = policyIn('active');
    sut.applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: '2026-12-01T14:00:00+09:00' } }), now);
    expect(sut.snapshot()).toMatchObject({ status: 'ended', coverEnd: new Date('2026-12-01T14:00:00+09:00'), refundYen: 700, premiumYen: 2_400 });
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.ended', refund: 700, reason: 'early-end' }]);
    expect(sut.uncommittedEndorsements()).toMatchObject([{ kind: 'end', reason: 'early-end', refundYen: 700 }]);
  });

  it('charges a late return up to the return before ending cover there', () => {
    const sut = policyIn('active');
    const returned = new Date('2026-12-01T16:45:00+09:00');
    sut.applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: '2026-12-01T16:45:00+09:00' } }), now);
    expect(sut.snapshot()).toMatchObject({ status: 'ended', coverEnd: returned, premiumYen: 2_850, refundYen: 0 });
    const [extended, ended] = sut.uncommittedEvents();
    expect(extended).toMatchObject({ type: 'com.kurumacover.policy.extended', premiumDelta: 450, reason: 'late-return', causationId: `${ended?.causationId}:late` });
    expect(ended).toMatchObject({ type: 'com.kurumacover.policy.ended', refund: 0, reason: 'returned' });
    expect(sut.uncommittedEndorsements().map((e) => [e.kind, e.reason])).toEqual([
      ['late-return', 'late-return'],
      ['end', 'late-return'],
    ]);
  });

  it('ends cover on time with no refund, even when the partner never sent com.kurumacover.booking.started', () => {
    const sut = policyIn('bound');
    sut.applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: '2026-12-01T16:00:00+09:00' } }), now);
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.ended', refund: 0, reason: 'returned' }]);
  });

  it('refuses a return before the start of cover and an end without a return time', () => {
    expect(policyIn('active').applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: '2026-12-01T11:00:00+09:00' } }), now)).toEqual({
      accepted: false,
      reason: 'return time is before the start of cover',
    });
    expect(policyIn('active').applyBookingEvent(change('com.kurumacover.booking.ended'), now)).toEqual({ accepted: false, reason: 'end without a return time' });
  });

  it('refunds in full when cancelled before the start', () => {
    const sut = policyIn('bound');
    sut.applyBookingEvent(change('com.kurumacover.booking.cancelled', { at: new Date('2026-12-01T11:00:00+09:00') }), now);
    expect(sut.snapshot()).toMatchObject({ status: 'cancelled', refundYen: 2_400, coverEnd: end });
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.cancelled', refund: 2_400, reason: 'cancelled-before-start' }]);
  });

  it('ends cover at the cancellation when cancelled after the start, refunded like an early return', () => {
    const sut = policyIn('active');
    const at = new Date('2026-12-01T13:00:00+09:00');
    sut.applyBookingEvent(change('com.kurumacover.booking.cancelled', { at }), now);
    expect(sut.snapshot()).toMatchObject({ status: 'ended', coverEnd: at, refundYen: 1_300 });
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.ended', refund: 1_300, reason: 'cancelled-after-start' }]);
  });

  it('withdraws a quote on cancellation without publishing anything', () => {
    const sut = policyIn('quoted');
    sut.applyBookingEvent(change('com.kurumacover.booking.cancelled'), now);
    expect(sut.status).toBe('cancelled');
    expect(sut.uncommittedEvents()).toEqual([]);
    expect(sut.uncommittedEndorsements()).toEqual([]);
  });

  it('refunds a no-show less the fee, and only for bound cover', () => {
    const sut = policyIn('bound');
    sut.applyBookingEvent(change('com.kurumacover.booking.no-show'), now);
    expect(sut.snapshot()).toMatchObject({ status: 'cancelled', refundYen: 2_100 });
    expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.cancelled', refund: 2_100, reason: 'no-show' }]);
    expect(policyIn('active').applyBookingEvent(change('com.kurumacover.booking.no-show'), now)).toEqual({ accepted: false, reason: 'no-show only applies to bound cover; policy is active' });
  });

  it.each<[PolicyStatus, BookingEventType, string]>([
    ['none', 'com.kurumacover.booking.started', 'cannot start: policy is none'],
    ['quoted', 'com.kurumacover.booking.created', 'booking already created (policy is quoted)'],
    ['ended', 'com.kurumacover.booking.extended', 'cannot extend: policy is ended'],
    ['cancelled', 'com.kurumacover.booking.started', 'cannot start: policy is cancelled'],
    ['ended', 'com.kurumacover.booking.confirmed', 'cannot confirm: policy is already ended'],
    ['none', 'com.kurumacover.booking.ended', 'cannot end: policy is none'],
    ['ended', 'com.kurumacover.booking.cancelled', 'cannot cancel: policy is ended'],
    ['active', 'com.kurumacover.booking.started', 'cannot start: policy is active'],
  ])('refuses %s -> %s with a reason and changes nothing', (status, type, reason) => {
    const sut = policyIn(status);
    const before = sut.snapshot();
    const outcome = sut.applyBookingEvent(change(type, { booking: { endsAt: '2026-12-01T18:00:00+09:00', endedAt: '2026-12-01T15:00:00+09:00' } }), now);
    expect(outcome).toEqual({ accepted: false, reason });
    expect(sut.snapshot()).toEqual(before);
    expect(sut.uncommittedEvents()).toEqual([]);
  });

  it('remembers the last applied booking event and its sequence', () => {
    const sut = policyIn('bound');
    const started = change('com.kurumacover.booking.started');
    sut.applyBookingEvent(started, now);
    expect(sut.snapshot()).toMatchObject({ bookingStatus: 'started', lastSequence: started.sequence });
  });

  describe('late return', () => {
    it('extends a started booking in steps as its end approaches, not before, and names the step as the cause', () => {
      const sut = policyIn('active');
      expect(sut.extendForLateReturn(new Date(end.getTime() - 10 * MINUTE), MINUTE)).toBe(false);
      expect(sut.extendForLateReturn(new Date(end.getTime() - 30_000), MINUTE)).toBe(true);
      const newEnd = new Date(end.getTime() + 30 * MINUTE);
      expect(sut.snapshot()).toMatchObject({ coverEnd: newEnd, bookedEnd: end, premiumYen: 2_700, status: 'active' });
      expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.extended', causationId: `late-return:${newEnd.toISOString()}`, premiumDelta: 300, reason: 'late-return' }]);
      expect(sut.uncommittedEndorsements()).toMatchObject([{ kind: 'late-return', causeId: `late-return:${newEnd.toISOString()}`, coverEndBefore: end, coverEndAfter: newEnd }]);
    });

    it('leaves cover that is not in use alone', () => {
      for (const status of ['bound', 'ended', 'cancelled'] as const) expect(policyIn(status).extendForLateReturn(new Date(end.getTime() + 60 * MINUTE), MINUTE)).toBe(false);
    });
  });

  describe('the product maximum: 7 days from the start of cover (issue #17, defect 1)', () => {
    const max = new Date(start.getTime() + 7 * 24 * 60 * MINUTE);
    const jstText = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
    const tenDays = new Date(start.getTime() + 10 * 24 * 60 * MINUTE);

    it('extends a booking asked to run 10 days only to the maximum, charges for it, and tells the partner at once', () => {
      const sut = policyIn('active');
      sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: jstText(tenDays) } }), now);
      const charged = Math.round((max.getTime() - end.getTime()) / MINUTE) * 10;
      expect(sut.snapshot()).toMatchObject({ coverEnd: max, bookedEnd: tenDays, premiumYen: 2_400 + charged });
      expect(sut.uncommittedEvents().map((e) => [e.type, e.reason, e.policy.coverEnd])).toEqual([
        ['com.kurumacover.policy.extended', 'booking-extended', max],
        ['com.kurumacover.policy.cover-limit-reached', 'maximum-duration', max],
      ]);
    });

    it('declines a further extension of cover already at the maximum, with a notice and no charge', () => {
      const sut = policyIn('active');
      sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: jstText(max) } }), now);
      sut.commit();
      expect(sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: jstText(tenDays) } }), now)).toEqual({ accepted: true });
      expect(sut.uncommittedEndorsements()).toEqual([]);
      expect(sut.uncommittedEvents()).toMatchObject([{ type: 'com.kurumacover.policy.cover-limit-reached', policy: { coverEnd: max, premiumYen: sut.snapshot().premiumYen } }]);
    });

    it('tells the partner when the late-return extension reaches the maximum, before the cover ends', () => {
      const sut = policyIn('active');
      sut.applyBookingEvent(change('com.kurumacover.booking.extended', { booking: { endsAt: jstText(new Date(max.getTime() - 20 * MINUTE)) } }), now);
      sut.commit();
      const tick = new Date(max.getTime() - 21 * MINUTE);
      expect(sut.extendForLateReturn(tick, 2 * MINUTE)).toBe(true);
      expect(sut.snapshot().coverEnd).toEqual(max);
      expect(sut.uncommittedEvents().map((e) => e.type)).toEqual(['com.kurumacover.policy.extended', 'com.kurumacover.policy.cover-limit-reached']);
      expect(tick.getTime()).toBeLessThan(max.getTime());
      sut.commit();
      expect(sut.extendForLateReturn(new Date(max.getTime() + 60 * MINUTE), 2 * MINUTE)).toBe(false);
    });

    it('ends cover at the maximum for a return after it, charging up to the maximum only', () => {
      const sut = policyIn('active');
      sut.applyBookingEvent(change('com.kurumacover.booking.ended', { booking: { endedAt: jstText(tenDays) } }), now);
      const charged = Math.round((max.getTime() - end.getTime()) / MINUTE) * 10;
      expect(sut.snapshot()).toMatchObject({ status: 'ended', coverEnd: max, premiumYen: 2_400 + charged });
      expect(sut.uncommittedEndorsements().map((e) => [e.kind, e.coverEndAfter])).toEqual([
        ['late-return', max],
        ['end', max],
      ]);
    });

    it('tells the partner on binding a booking that already runs to the maximum', () => {
      const sut = newPolicy();
      sut.applyBookingEvent(change('com.kurumacover.booking.confirmed', { booking: { endsAt: jstText(max) } }), now);
      expect(sut.uncommittedEvents().map((e) => e.type)).toEqual(['com.kurumacover.policy.bound', 'com.kurumacover.policy.cover-limit-reached']);
    });
  });

  describe('properties', () => {
    const types: BookingEventType[] = ['com.kurumacover.booking.created', 'com.kurumacover.booking.confirmed', 'com.kurumacover.booking.started', 'com.kurumacover.booking.extended', 'com.kurumacover.booking.ended', 'com.kurumacover.booking.cancelled', 'com.kurumacover.booking.no-show'];
    const event = fc.record({
      type: fc.constantFrom(...types),
      quote: fc.constantFrom<QuoteV1 | undefined>(quoted, declined, undefined),
      offsetMinutes: fc.integer({ min: -300, max: 600 }),
    });

    it('never leaves a terminal state, records nothing when it refuses, and its premium and refunds balance with its endorsements', () => {
      fc.assert(
        fc.property(fc.array(event, { maxLength: 14 }), (events) => {
          const sut = newPolicy();
          let terminal: PolicyStatus | null = null;
          let premium = 0;
          let refunds = 0;
          for (const e of events) {
            const instant = new Date(end.getTime() + e.offsetMinutes * MINUTE);
            const text = new Date(instant.getTime() + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
            const before: PolicySnapshot = sut.snapshot();
            const outcome = sut.applyBookingEvent(change(e.type, { quote: e.quote, at: instant, booking: e.type === 'com.kurumacover.booking.extended' ? { endsAt: text } : { endedAt: text } }), now);
            const after = sut.snapshot();
            if (!outcome.accepted) {
              expect(after).toEqual(before);
              expect(sut.uncommittedEvents()).toEqual([]);
            }
            if (terminal) expect(after.status).toBe(terminal);
            if (after.status === 'ended' || after.status === 'cancelled') terminal = after.status;
            if (before.status !== 'bound' && after.status === 'bound') premium = after.premiumYen;
            for (const endorsement of sut.uncommittedEndorsements()) {
              premium += endorsement.premiumDeltaYen;
              refunds += endorsement.refundYen;
            }
            for (const recorded of sut.uncommittedEvents()) expect(recorded.policy.status).toBe(after.status);
            if (after.boundAt) {
              expect(after.premiumYen).toBe(premium);
              expect(after.refundYen).toBe(refunds);
              expect(after.refundYen).toBeLessThanOrEqual(after.premiumYen);
            }
            sut.commit();
          }
        }),
      );
    });
  });
});
