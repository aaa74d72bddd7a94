import { type BookingEventDataV1, type DeclinedV1, EVENT_TYPE_PREFIX, present, type QuotedV1 } from '@kuruma/contracts';
import type { BookingChange } from './booking-change';
import { lateReturnExtension } from './late-return';
import { policyNumber } from './policy-number';
import type { EndorsementRecord, PolicyEventRecord } from './policy-records';
import type { PolicySnapshot, PolicyStatus } from './policy-snapshot';
import type { PolicyTariff, PricedCover } from './policy-tariff';

/** The booking status kept on the policy is the booking event's name without this (`confirmed`). */
const BOOKING_TYPE_PREFIX = `${EVENT_TYPE_PREFIX}booking.`;

/** A transition either applies, or is refused with a reason and leaves the policy as it was. */
export type TransitionOutcome = { accepted: true } | { accepted: false; reason: string };

const ACCEPTED: TransitionOutcome = { accepted: true };
const refused = (reason: string): TransitionOutcome => ({ accepted: false, reason });

/**
 * The cover that follows one partner booking. Each booking event is a transition that checks its
 * rule against the current state, changes the state and records the policy events and
 * endorsements it causes; the caller stores the state and publishes what was recorded.
 */
export class Policy {
  private readonly state: PolicySnapshot;
  private events: PolicyEventRecord[] = [];
  private endorsements: EndorsementRecord[] = [];

  private constructor(
    state: PolicySnapshot,
    private readonly tariff: PolicyTariff,
  ) {
    this.state = { ...state };
  }

  /** A stored policy. */
  static restore(snapshot: PolicySnapshot, tariff: PolicyTariff): Policy {
    return new Policy(snapshot, tariff);
  }

  /** A booking seen for the first time: nothing quoted or covered until a transition applies. */
  static forBooking(id: string, partnerId: string, booking: BookingEventDataV1, tariff: PolicyTariff): Policy {
    return new Policy(
      {
        id,
        policyNumber: null,
        partnerId,
        bookingId: booking.bookingId,
        vehicleId: booking.vehicle.vehicleId,
        driverId: booking.driver.driverId,
        plan: booking.plan,
        status: 'none',
        bookingStatus: 'none',
        coverStart: null,
        coverEnd: null,
        bookedEnd: null,
        premiumYen: 0,
        refundYen: 0,
        tariffVersion: null,
        quoteId: null,
        breakdown: null,
        declineReasons: null,
        request: booking,
        lastSequence: 0,
        boundAt: null,
      },
      tariff,
    );
  }

  get status(): PolicyStatus {
    return this.state.status;
  }

  snapshot(): PolicySnapshot {
    return { ...this.state };
  }

  /** Policy events recorded since the last commit, in the order they happened. */
  uncommittedEvents(): readonly PolicyEventRecord[] {
    return this.events;
  }

  /** Endorsements recorded since the last commit. */
  uncommittedEndorsements(): readonly EndorsementRecord[] {
    return this.endorsements;
  }

  /** The recorded events and endorsements are stored: start afresh. */
  commit(): void {
    this.events = [];
    this.endorsements = [];
  }

  /** Applies one booking event: the transition its type names. */
  applyBookingEvent(change: BookingChange, now: Date): TransitionOutcome {
    switch (change.type) {
      case 'com.kurumacover.booking.created':
        return this.quote(change);
      case 'com.kurumacover.booking.confirmed':
        return this.confirm(change, now);
      case 'com.kurumacover.booking.started':
        return this.start(change);
      case 'com.kurumacover.booking.extended':
        return this.extend(change);
      case 'com.kurumacover.booking.ended':
        return this.end(change);
      case 'com.kurumacover.booking.cancelled':
        return this.cancel(change);
      case 'com.kurumacover.booking.no-show':
        return this.noShow(change);
      default:
        return refused(`unknown event type ${String((change as { type: unknown }).type)}`);
    }
  }

  /** com.kurumacover.booking.created: records the quote, or the decline, for a booking not yet seen. */
  quote(change: BookingChange): TransitionOutcome {
    if (this.state.status !== 'none') return refused(`booking already created (policy is ${this.state.status})`);
    const quote = change.quote;
    if (!quote) return refused('no quote for a bookable event');
    if (quote.status === 'declined') {
      this.follow(change, 'declined');
      this.decline(change, quote, true);
      return ACCEPTED;
    }
    this.follow(change, 'quoted');
    this.takeQuote(change.booking, quote);
    return ACCEPTED;
  }

  /** com.kurumacover.booking.confirmed: binds cover at the quoted price, or declines it. */
  confirm(change: BookingChange, now: Date): TransitionOutcome {
    const from = this.state.status;
    if (from !== 'none' && from !== 'quoted' && from !== 'declined') return refused(`cannot confirm: policy is already ${from}`);
    const quote = change.quote;
    if (!quote) return refused('no quote for a bookable event');
    if (quote.status === 'declined') {
      this.follow(change, 'declined');
      // Declined again: publish only if the partner has not been told yet.
      this.decline(change, quote, from !== 'declined');
      return ACCEPTED;
    }
    this.follow(change, 'bound');
    this.takeQuote(change.booking, quote);
    this.state.boundAt = now;
    this.state.policyNumber = policyNumber(this.state.id, now);
    this.record({ type: 'com.kurumacover.policy.bound', causationId: change.causationId });
    if (present(this.state.coverEnd, 'cover end').getTime() >= this.maximumEnd().getTime()) this.noticeCoverLimit(change.causationId);
    return ACCEPTED;
  }

  /** com.kurumacover.booking.started: bound cover is now in use. */
  start(change: BookingChange): TransitionOutcome {
    if (this.state.status !== 'bound') return refused(`cannot start: policy is ${this.state.status}`);
    this.follow(change, 'active');
    return ACCEPTED;
  }

  /**
   * com.kurumacover.booking.extended: cover runs to the new end, for the extra premium of the longer booking, but
   * never past the product maximum from the start (the tariff prices no minute beyond it): cover
   * then runs to the maximum and the partner is told at once, before the cover ends, that the
   * rest of the booking is not insured.
   */
  extend(change: BookingChange): TransitionOutcome {
    const status = this.state.status;
    if (status !== 'bound' && status !== 'active') return refused(`cannot extend: policy is ${status}`);
    const before = this.state.coverEnd;
    if (!before) return refused('extension without a new end');
    const requested = new Date(change.booking.endsAt);
    if (requested.getTime() <= before.getTime()) return refused('the new end is not later than the current cover end');
    this.follow(change, status);
    this.state.bookedEnd = requested;
    const newEnd = new Date(Math.min(requested.getTime(), this.coverLimit().getTime()));
    if (newEnd.getTime() > before.getTime()) {
      const { premiumDelta, newPremium } = this.tariff.extensionPremium(this.pricedCover(), before, newEnd);
      this.state.coverEnd = newEnd;
      this.state.premiumYen = newPremium;
      this.endorse({ kind: 'extension', reason: 'booking-extended', premiumDeltaYen: premiumDelta, refundYen: 0, coverEndBefore: before, coverEndAfter: newEnd, causeId: change.causationId });
      this.record({ type: 'com.kurumacover.policy.extended', causationId: change.causationId, premiumDelta, reason: 'booking-extended', coverEndBefore: before, coverEndAfter: newEnd });
    }
    if (newEnd.getTime() >= this.maximumEnd().getTime()) this.noticeCoverLimit(change.causationId);
    return ACCEPTED;
  }

  /**
   * com.kurumacover.booking.ended: cover ends at the return. An early return refunds the unused part; a late one
   * is charged up to the return first. A partner that never sent com.kurumacover.booking.started still ended a
   * trip, so bound cover may end too.
   */
  end(change: BookingChange): TransitionOutcome {
    const { status, coverStart, coverEnd: before } = this.state;
    if (status !== 'active' && status !== 'bound') return refused(`cannot end: policy is ${status}`);
    const endedAt = change.booking.endedAt ? new Date(change.booking.endedAt) : undefined;
    if (!endedAt || !before || !coverStart) return refused('end without a return time');
    if (endedAt.getTime() < coverStart.getTime()) return refused('return time is before the start of cover');
    const early = endedAt.getTime() < before.getTime();
    // A return after the product maximum: cover (and its price) stop at the maximum, as the
    // partner was told when the cover reached it.
    const coveredTo = new Date(Math.min(endedAt.getTime(), this.coverLimit().getTime()));
    const late = coveredTo.getTime() > before.getTime();
    this.follow(change, 'ended');
    if (late) {
      const { premiumDelta, newPremium } = this.tariff.extensionPremium(this.pricedCover(), before, coveredTo);
      this.state.premiumYen = newPremium;
      this.endorse({ kind: 'late-return', reason: 'late-return', premiumDeltaYen: premiumDelta, refundYen: 0, coverEndBefore: before, coverEndAfter: coveredTo, causeId: change.causationId });
      this.record({ type: 'com.kurumacover.policy.extended', causationId: `${change.causationId}:late`, premiumDelta, reason: 'late-return', coverEndBefore: before, coverEndAfter: coveredTo });
    }
    const refund = early ? this.tariff.earlyEndRefund(this.pricedCover(), before, endedAt) : 0;
    this.state.coverEnd = early ? endedAt : coveredTo;
    const reason = early ? 'early-end' : 'returned';
    this.refund(change, { type: 'com.kurumacover.policy.ended', kind: 'end', refund, reason, endorsementReason: late ? 'late-return' : reason, coverEndBefore: before });
    return ACCEPTED;
  }

  /**
   * com.kurumacover.booking.cancelled: a quote is withdrawn; cover cancelled before its start is refunded in full;
   * cover cancelled after its start ends at the cancellation, refunded like an early return.
   */
  cancel(change: BookingChange): TransitionOutcome {
    const { status, coverStart } = this.state;
    if (status === 'quoted' || status === 'declined') {
      this.follow(change, 'cancelled');
      return ACCEPTED;
    }
    if (status === 'bound' && coverStart && change.at.getTime() < coverStart.getTime()) {
      this.follow(change, 'cancelled');
      const refund = this.tariff.cancellationRefund(this.pricedCover());
      this.refund(change, { type: 'com.kurumacover.policy.cancelled', kind: 'cancellation', refund, reason: 'cancelled-before-start', coverEndBefore: this.state.coverEnd });
      return ACCEPTED;
    }
    if (status !== 'bound' && status !== 'active') return refused(`cannot cancel: policy is ${status}`);
    this.follow(change, 'ended');
    const before = present(this.state.coverEnd, 'cover end');
    const endedAt = new Date(Math.min(change.at.getTime(), before.getTime()));
    const refund = this.tariff.earlyEndRefund(this.pricedCover(), before, endedAt);
    this.state.coverEnd = endedAt;
    this.refund(change, { type: 'com.kurumacover.policy.ended', kind: 'end', refund, reason: 'cancelled-after-start', coverEndBefore: before });
    return ACCEPTED;
  }

  /** com.kurumacover.booking.no-show: bound cover never used is cancelled, refunded less the tariff's fee. */
  noShow(change: BookingChange): TransitionOutcome {
    if (this.state.status !== 'bound') return refused(`no-show only applies to bound cover; policy is ${this.state.status}`);
    this.follow(change, 'cancelled');
    const refund = this.tariff.noShowRefund(this.pricedCover());
    this.refund(change, { type: 'com.kurumacover.policy.cancelled', kind: 'no-show', refund, reason: 'no-show', coverEndBefore: this.state.coverEnd });
    return ACCEPTED;
  }

  /**
   * A started booking not returned as its end approaches: cover runs on in the tariff's steps, up
   * to the product maximum. The step that reaches the maximum also tells the partner, at least the
   * lead time before the cover ends, that it will run no further. The new end names the step, so
   * applying the same step twice records it once. False when no step is due.
   */
  extendForLateReturn(now: Date, leadMs: number): boolean {
    if (this.state.status !== 'active') return false;
    const before = present(this.state.coverEnd, 'cover end');
    const rule = this.tariff.lateReturnRule(present(this.state.tariffVersion, 'tariff version'));
    const newEnd = lateReturnExtension({ coverStart: present(this.state.coverStart, 'cover start'), coverEnd: before, now, leadMs, ...rule });
    if (!newEnd) return false;
    const { premiumDelta, newPremium } = this.tariff.extensionPremium(this.pricedCover(), before, newEnd);
    const causeId = `late-return:${newEnd.toISOString()}`;
    this.state.coverEnd = newEnd;
    this.state.premiumYen = newPremium;
    this.endorse({ kind: 'late-return', reason: 'late-return', premiumDeltaYen: premiumDelta, refundYen: 0, coverEndBefore: before, coverEndAfter: newEnd, causeId });
    this.record({ type: 'com.kurumacover.policy.extended', causationId: causeId, premiumDelta, reason: 'late-return', coverEndBefore: before, coverEndAfter: newEnd });
    if (newEnd.getTime() >= this.maximumEnd().getTime()) this.noticeCoverLimit(causeId);
    return true;
  }

  /** The product maximum from the start of cover, from the tariff the policy was bound under. */
  private maximumEnd(): Date {
    const { maximumMinutes } = this.tariff.lateReturnRule(present(this.state.tariffVersion, 'tariff version'));
    return new Date(present(this.state.coverStart, 'cover start').getTime() + maximumMinutes * 60_000);
  }

  /**
   * The latest end cover may reach: the product maximum, or a later end already on the policy
   * (cover extended past the maximum before this rule, which the driver was promised).
   */
  private coverLimit(): Date {
    return new Date(Math.max(this.maximumEnd().getTime(), present(this.state.coverEnd, 'cover end').getTime()));
  }

  /** Cover has reached the product maximum: the partner hears it before it ends (com.kurumacover.policy.cover-limit-reached). */
  private noticeCoverLimit(causationId: string): void {
    this.record({ type: 'com.kurumacover.policy.cover-limit-reached', causationId, reason: 'maximum-duration' });
  }

  /** Every applied booking event moves the policy to `status` and is remembered as the booking's latest. */
  private follow(change: BookingChange, status: PolicyStatus): void {
    this.state.bookingStatus = change.type.slice(BOOKING_TYPE_PREFIX.length);
    this.state.lastSequence = change.sequence;
    this.state.status = status;
  }

  /**
   * Cover that ends or is cancelled gives `refund` back (possibly 0) and records it: an
   * endorsement from `coverEndBefore` to the cover end as it now stands, and the partner's event.
   */
  private refund(
    change: BookingChange,
    r: { type: 'com.kurumacover.policy.ended' | 'com.kurumacover.policy.cancelled'; kind: EndorsementRecord['kind']; refund: number; reason: string; endorsementReason?: string; coverEndBefore: Date | null },
  ): void {
    this.state.refundYen += r.refund;
    const endorsement = { kind: r.kind, reason: r.endorsementReason ?? r.reason, premiumDeltaYen: 0, refundYen: r.refund, coverEndBefore: r.coverEndBefore, coverEndAfter: this.state.coverEnd };
    this.endorse({ ...endorsement, causeId: change.causationId });
    this.record({ type: r.type, causationId: change.causationId, refund: r.refund, reason: r.reason, coverEndBefore: r.coverEndBefore });
  }

  private takeQuote(booking: BookingEventDataV1, quote: QuotedV1): void {
    const s = this.state;
    s.request = booking;
    s.vehicleId = booking.vehicle.vehicleId;
    s.driverId = booking.driver.driverId;
    s.plan = booking.plan;
    s.coverStart = new Date(booking.startsAt);
    s.coverEnd = new Date(booking.endsAt);
    s.bookedEnd = s.coverEnd;
    s.premiumYen = quote.premium;
    s.tariffVersion = quote.tariffVersion;
    s.quoteId = quote.quoteId;
    s.breakdown = quote.breakdown;
    s.declineReasons = null;
  }

  private decline(change: BookingChange, quote: DeclinedV1, publish: boolean): void {
    this.state.declineReasons = quote.reasons;
    this.state.request = change.booking;
    if (publish) this.record({ type: 'com.kurumacover.policy.declined', causationId: change.causationId, reasons: quote.reasons });
  }

  private pricedCover(): PricedCover {
    return { request: this.state.request, tariffVersion: present(this.state.tariffVersion, 'tariff version'), premium: this.state.premiumYen };
  }

  private record(event: Omit<PolicyEventRecord, 'policy'>): void {
    this.events.push({ ...event, policy: this.snapshot() });
  }

  private endorse(endorsement: EndorsementRecord): void {
    this.endorsements.push(endorsement);
  }
}
