import { describe, expect, it } from 'vitest';
import { type BookingEventType, type BookingPricedV1, policyEventV1Schema, type QuoteRequestV1, Topics } from '@kuruma/contracts';
import { PARTNER_ID_HEADER } from '@kuruma/data-access-messaging';
import { priceExtension, priceQuote, refundForEarlyEnd, type BoundCover } from '@kuruma/domain-rating';
import { applyLifecycleEffect, changesOf, policyOf } from './apply-lifecycle-effect';

const topic = (base: string) => `spec.${base}`;
const now = new Date('2026-11-30T09:00:00+09:00');
const request: QuoteRequestV1 = {
  bookingId: 'b-spec',
  partnerId: 'demo',
  startsAt: '2026-12-01T10:00:00+09:00',
  endsAt: '2026-12-03T10:00:00+09:00',
  plan: 'standard',
  vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 9, firstRegistration: '2014-01', eco: false, asv: false, plateClassification: '300' },
  driver: { driverId: 'd-1', age: 35, licenceColour: 'blue', grade: 5 },
} as QuoteRequestV1;
const quote = priceQuote(request, { now, omitSources: true });

let sequence = 0;
function priced(type: BookingEventType, data: Partial<BookingPricedV1['event']['data']> = {}): BookingPricedV1 {
  sequence += 1;
  const bookable = type === 'com.kurumacover.booking.created' || type === 'com.kurumacover.booking.confirmed';
  return {
    partnerId: 'demo',
    ordering: 'in-sequence',
    acceptedAt: now.toISOString(),
    pricedAt: now.toISOString(),
    event: { specversion: '1.0', id: `e-${sequence}`, source: 'partner/demo', type, subject: 'b-spec', time: now.toISOString(), data: { ...request, sequence, ...data } },
    ...(bookable ? { quote } : {}),
  } as BookingPricedV1;
}

const published = (payload: string | Buffer) => policyEventV1Schema.parse(JSON.parse(payload.toString()));
const cover = (row: { request: unknown; tariffVersion: string | null; premiumYen: number }): BoundCover => ({ request: row.request as QuoteRequestV1, tariffVersion: row.tariffVersion ?? '', premium: row.premiumYen });

describe(applyLifecycleEffect.name, () => {
  if (quote.status !== 'quoted') throw new Error('the reference booking must be quotable');
  const bind = () => {
    const sut = applyLifecycleEffect(undefined, priced('com.kurumacover.booking.confirmed'), now, topic);
    if (!sut.policy) throw new Error('expected a bound policy');
    return sut.policy;
  };

  it("binds at the engine's premium and publishes com.kurumacover.policy.bound to the shared topic, keyed by booking, routed to the partner", () => {
    const sut = applyLifecycleEffect(undefined, priced('com.kurumacover.booking.confirmed'), now, topic);
    expect(sut.policy).toMatchObject({ status: 'bound', premiumYen: quote.premium, tariffVersion: quote.tariffVersion, bookingId: 'b-spec' });
    expect(sut.events).toHaveLength(1);
    const [entry] = sut.events;
    expect(entry).toMatchObject({ topic: `spec.${Topics.policyEvents}`, key: 'b-spec', headers: { [PARTNER_ID_HEADER]: 'demo' } });
    expect(published(entry?.payload ?? '')).toMatchObject({
      type: 'com.kurumacover.policy.bound',
      data: { status: 'bound', premium: quote.premium, coverStart: '2026-12-01T10:00:00+09:00', coverEnd: '2026-12-03T10:00:00+09:00', causationId: 'demo:e-1' },
    });
  });

  it('posts the bind premium to the ledger under the published event id, dated by the booking event', () => {
    const sut = applyLifecycleEffect(undefined, priced('com.kurumacover.booking.confirmed'), now, topic);
    expect(sut.ledger).toEqual([
      expect.objectContaining({
        sourceEventId: sut.events[0]?.eventId,
        rule: 'premium-written',
        partnerId: 'demo',
        policyId: sut.policy?.id,
        tariffVersion: quote.tariffVersion,
        businessAt: now,
        coverStart: new Date(request.startsAt),
        coverEnd: new Date(request.endsAt),
        lines: [
          { account: '1100', debitYen: quote.premium, creditYen: 0 },
          { account: '4100', debitYen: 0, creditYen: quote.premium },
        ],
      }),
    ]);
  });

  it("refunds an early return by the bound tariff's rule, on the endorsement and in policy.ended", () => {
    const bound = bind();
    const endedAt = '2026-12-02T10:00:00+09:00';
    const sut = applyLifecycleEffect(bound, priced('com.kurumacover.booking.ended', { endedAt }), now, topic);
    const refund = refundForEarlyEnd(cover(bound), new Date(request.endsAt), new Date(endedAt));
    expect(refund).toBeGreaterThan(0);
    expect(sut.policy).toMatchObject({ status: 'ended', refundYen: refund, coverEnd: new Date(endedAt) });
    expect(sut.endorsements).toEqual([expect.objectContaining({ policyId: bound.id, kind: 'end', reason: 'early-end', refundYen: refund })]);
    expect(published(sut.events[0]?.payload ?? '')).toMatchObject({ type: 'com.kurumacover.policy.ended', data: { refund, reason: 'early-end', status: 'ended' } });
    expect(sut.ledger).toEqual([expect.objectContaining({ rule: 'return-premium', sourceEventId: sut.events[0]?.eventId, reductionYen: refund, coverEnd: new Date(endedAt) })]);
  });

  it('answers an impossible transition with its reason and nothing to write', () => {
    expect(applyLifecycleEffect(undefined, priced('com.kurumacover.booking.started'), now, topic)).toEqual({ policy: null, endorsements: [], events: [], ledger: [], rejection: 'cannot start: policy is none' });
  });

  it('extends started cover for a late return at the extension premium of the bound tariff', () => {
    const started = applyLifecycleEffect(bind(), priced('com.kurumacover.booking.started'), now, topic).policy;
    if (!started) throw new Error('expected started cover');
    const sut = policyOf(started);
    const late = new Date('2026-12-03T10:30:00+09:00');
    expect(sut.extendForLateReturn(late, 60_000)).toBe(true);
    const changes = changesOf(sut, late, topic);
    const newEnd = changes.policy.coverEnd as Date;
    const { premiumDelta } = priceExtension(cover(started), new Date(request.endsAt), newEnd);
    expect(premiumDelta).toBeGreaterThan(0);
    expect(changes.policy).toMatchObject({ premiumYen: started.premiumYen + premiumDelta, bookedEnd: new Date(request.endsAt) });
    expect(published(changes.events[0]?.payload ?? '')).toMatchObject({ type: 'com.kurumacover.policy.extended', data: { premiumDelta, reason: 'late-return', causationId: `late-return:${newEnd.toISOString()}` } });
    expect(changes.ledger).toEqual([expect.objectContaining({ rule: 'late-return-premium', businessAt: late, coverStart: new Date(request.endsAt), coverEnd: newEnd })]);
    expect(changesOf(sut, late, topic).events).toEqual([]);
  });
});
