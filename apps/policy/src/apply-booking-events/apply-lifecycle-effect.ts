import { present } from '@kuruma/contracts';
import { randomUUID } from 'node:crypto';
import type { BookingPricedV1 } from '@kuruma/contracts';
import type { EndorsementRow, PolicyRow } from '@kuruma/data-access-db';
import type { OutboxEntry } from '@kuruma/data-access-messaging';
import { decideLifecycle, type PolicyState, policyNumber, stateAfter, type BookingEventKind } from '@kuruma/domain-policy';
import { priceExtension, refundForCancellation, refundForEarlyEnd, refundForNoShow, type BoundCover } from '@kuruma/domain-rating';
import { policyEvent } from './policy-events';

export interface EffectOutput {
  policy: PolicyRow | null;
  endorsements: EndorsementRow[];
  events: OutboxEntry[];
  rejection?: string;
}

const coverOf = (p: PolicyRow): BoundCover => ({ request: p.request as BoundCover['request'], tariffVersion: present(p.tariffVersion, 'tariff version'), premium: p.premiumYen });

/** A new policy row for a booking seen for the first time (state none until an effect applies). */
function fresh(priced: BookingPricedV1): PolicyRow {
  const d = priced.event.data;
  return {
    id: randomUUID(),
    policyNumber: null,
    partnerId: priced.partnerId,
    bookingId: d.bookingId,
    vehicleId: d.vehicle.vehicleId,
    driverId: d.driver.driverId,
    plan: d.plan,
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
    request: d,
    lastSequence: 0,
    boundAt: null,
  };
}

/**
 * Applies one priced booking event to the booking's policy: decides the transition (pure
 * domain), prices changes under the original tariff, and produces the rows and events to write.
 */
export function applyLifecycleEffect(existing: PolicyRow | undefined, priced: BookingPricedV1, now: Date, topic: (b: string) => string): EffectOutput {
  const event = priced.event;
  const p: PolicyRow = existing ? { ...existing } : fresh(priced);
  const state = p.status as PolicyState;
  const causationId = `${priced.partnerId}:${event.id}`;
  const at = new Date(event.time ?? priced.acceptedAt);
  const effect = decideLifecycle({
    state,
    type: event.type as BookingEventKind,
    quote: priced.quote?.status,
    coverStart: p.coverStart ?? undefined,
    coverEnd: p.coverEnd ?? undefined,
    newEndsAt: event.type === 'booking.extended' ? new Date(event.data.endsAt) : undefined,
    endedAt: event.data.endedAt ? new Date(event.data.endedAt) : undefined,
    at,
  });
  const out: EffectOutput = { policy: p, endorsements: [], events: [] };
  if (effect.kind === 'reject') return { policy: null, endorsements: [], events: [], rejection: effect.reason };

  const bookingStatus = event.type.replace('booking.', '');
  p.bookingStatus = bookingStatus;
  p.lastSequence = event.data.sequence;
  p.status = stateAfter(state, effect);
  const endorse = (kind: string, reason: string | null, premiumDeltaYen: number, refundYen: number, before: Date | null, after: Date | null) =>
    out.endorsements.push({ policyId: p.id, kind, reason, premiumDeltaYen, refundYen, coverEndBefore: before, coverEndAfter: after, causeId: causationId });

  switch (effect.kind) {
    case 'record-quote':
    case 'bind': {
      const quote = present(priced.quote, 'quote');
      if (quote.status !== 'quoted') break;
      p.request = event.data;
      p.vehicleId = event.data.vehicle.vehicleId;
      p.driverId = event.data.driver.driverId;
      p.plan = event.data.plan;
      p.coverStart = new Date(event.data.startsAt);
      p.coverEnd = new Date(event.data.endsAt);
      p.bookedEnd = p.coverEnd;
      p.premiumYen = quote.premium;
      p.tariffVersion = quote.tariffVersion;
      p.quoteId = quote.quoteId;
      p.breakdown = quote.breakdown;
      p.declineReasons = null;
      if (effect.kind === 'bind') {
        p.boundAt = now;
        p.policyNumber = policyNumber(p.id, now);
        out.events.push(policyEvent('policy.bound', p, { causationId }, now, topic));
      }
      break;
    }
    case 'decline': {
      const reasons = priced.quote?.status === 'declined' ? priced.quote.reasons : [];
      p.declineReasons = reasons;
      p.request = event.data;
      if (effect.publish) out.events.push(policyEvent('policy.declined', p, { causationId, reasons }, now, topic));
      break;
    }
    case 'activate':
      break;
    case 'extend': {
      const before = present(p.coverEnd, 'cover end');
      const { premiumDelta, newPremium } = priceExtension(coverOf(p), before, effect.newEnd);
      p.coverEnd = effect.newEnd;
      p.bookedEnd = effect.newEnd;
      p.premiumYen = newPremium;
      endorse('extension', 'booking-extended', premiumDelta, 0, before, effect.newEnd);
      out.events.push(policyEvent('policy.extended', p, { causationId, premiumDelta, reason: 'booking-extended' }, now, topic));
      break;
    }
    case 'end': {
      const before = present(p.coverEnd, 'cover end');
      if (effect.late) {
        const { premiumDelta, newPremium } = priceExtension(coverOf(p), before, effect.endedAt);
        p.premiumYen = newPremium;
        p.coverEnd = effect.endedAt;
        endorse('late-return', 'late-return', premiumDelta, 0, before, effect.endedAt);
        out.events.push(policyEvent('policy.extended', p, { causationId: `${causationId}:late`, premiumDelta, reason: 'late-return' }, now, topic));
      }
      const refund = effect.early ? refundForEarlyEnd(coverOf(p), before, effect.endedAt) : 0;
      p.coverEnd = effect.endedAt;
      p.refundYen += refund;
      endorse('end', effect.early ? 'early-end' : effect.late ? 'late-return' : 'returned', 0, refund, before, effect.endedAt);
      out.events.push(policyEvent('policy.ended', p, { causationId, refund, reason: effect.early ? 'early-end' : 'returned' }, now, topic));
      break;
    }
    case 'cancel-after-start': {
      const before = present(p.coverEnd, 'cover end');
      const endedAt = new Date(Math.min(effect.endedAt.getTime(), before.getTime()));
      const refund = refundForEarlyEnd(coverOf(p), before, endedAt);
      p.coverEnd = endedAt;
      p.refundYen += refund;
      endorse('end', 'cancelled-after-start', 0, refund, before, endedAt);
      out.events.push(policyEvent('policy.ended', p, { causationId, refund, reason: 'cancelled-after-start' }, now, topic));
      break;
    }
    case 'cancel-before-start': {
      const refund = refundForCancellation(coverOf(p));
      p.refundYen += refund;
      endorse('cancellation', 'cancelled-before-start', 0, refund, p.coverEnd, p.coverEnd);
      out.events.push(policyEvent('policy.cancelled', p, { causationId, refund, reason: 'cancelled-before-start' }, now, topic));
      break;
    }
    case 'no-show': {
      const refund = refundForNoShow(coverOf(p));
      p.refundYen += refund;
      endorse('no-show', 'no-show', 0, refund, p.coverEnd, p.coverEnd);
      out.events.push(policyEvent('policy.cancelled', p, { causationId, refund, reason: 'no-show' }, now, topic));
      break;
    }
    case 'withdraw-quote':
      break;
  }
  return out;
}
