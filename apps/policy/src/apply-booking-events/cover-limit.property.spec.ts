import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookingEventDataV1, BookingEventType, QuoteRequestV1 } from '@kuruma/contracts';
import { Policy } from '@kuruma/domain-policy';
import { computePremium, priceQuote, tariffs } from '@kuruma/domain-rating';
import { boundTariff } from './bound-tariff';

const MINUTE = 60_000;
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/** One cover start under each tariff version a policy can be bound with today. */
const START_UNDER = {
  'kc-carshare-2026-10': Date.parse('2026-12-01T10:00:00+09:00'),
  'kc-carshare-2026-12': Date.parse('2026-12-10T10:00:00+09:00'),
  'kc-carshare-2027-01-r2': Date.parse('2027-01-10T10:00:00+09:00'),
};

/** What can happen to a booking after it is bound and started, at minutes from the start of cover. */
const stepArb = fc.record({
  kind: fc.constantFrom('extend', 'late-return-tick', 'end'),
  atMinute: fc.integer({ min: 0, max: 20_000 }),
});

const pathArb = fc.record({
  version: fc.constantFrom(...(Object.keys(START_UNDER) as (keyof typeof START_UNDER)[])),
  bookedMinutes: fc.integer({ min: 1, max: 10_080 }),
  plan: fc.constantFrom('liability', 'standard', 'full'),
  steps: fc.array(stepArb, { maxLength: 8 }),
});

describe('cover on every booking path (issue #17, defect 1), priced by the real tariff', () => {
  it('never covers a minute the tariff does not price, and the premium never decreases as covered minutes grow', () => {
    fc.assert(
      fc.property(pathArb, ({ version, bookedMinutes, plan, steps }) => {
        const start = START_UNDER[version];
        const request = {
          bookingId: 'b-path',
          partnerId: 'demo',
          startsAt: jst(start),
          endsAt: jst(start + bookedMinutes * MINUTE),
          plan,
          vehicle: { vehicleId: 'v', category: 'ordinary', modelRatingClass: 9, firstRegistration: '2024-01', eco: false, asv: true, plateClassification: '300' },
          driver: { driverId: 'd', age: 30, licenceColour: 'blue', grade: 12 },
        } as QuoteRequestV1;
        const quote = priceQuote(request, { now: new Date(start - 60 * MINUTE), omitSources: true });
        if (quote.status !== 'quoted') throw new Error('the booking must be quotable');
        expect(quote.tariffVersion.startsWith(`${version}@`)).toBe(true);
        const tariff = tariffs.byVersion(quote.tariffVersion);
        const maximumMinutes = tariff.data.exposure.maximumMinutes;

        let sequence = 0;
        const booking = (over: Partial<BookingEventDataV1>) => ({ ...request, sequence: ++sequence, ...over }) as BookingEventDataV1;
        const apply = (type: BookingEventType, over: Partial<BookingEventDataV1> = {}) =>
          sut.applyBookingEvent({ type, causationId: `demo:e-${sequence + 1}`, sequence: sequence + 1, at: new Date(start), booking: booking(over), quote }, new Date(start - 60 * MINUTE));

        const sut = Policy.forBooking('0190f0a0-0000-7000-8000-0000000000aa', 'demo', booking({}), boundTariff);
        apply('com.kurumacover.booking.confirmed');
        apply('com.kurumacover.booking.started');

        let premium = sut.snapshot().premiumYen;
        let previouslyCovered = bookedMinutes;
        let told = sut.uncommittedEvents().some((e) => e.type === 'com.kurumacover.policy.cover-limit-reached');
        sut.commit();
        for (const step of steps) {
          const at = start + step.atMinute * MINUTE;
          if (step.kind === 'extend') apply('com.kurumacover.booking.extended', { endsAt: jst(at) });
          else if (step.kind === 'end') apply('com.kurumacover.booking.ended', { endedAt: jst(at) });
          else sut.extendForLateReturn(new Date(at), 2 * MINUTE);
          const s = sut.snapshot();
          const covered = ((s.coverEnd as Date).getTime() - start) / MINUTE;
          told ||= sut.uncommittedEvents().some((e) => e.type === 'com.kurumacover.policy.cover-limit-reached');
          // No covered minute past the maximum: the exposure curve prices nothing beyond it.
          expect(covered).toBeLessThanOrEqual(maximumMinutes);
          // The premium never decreases (refunds are separate).
          expect(s.premiumYen).toBeGreaterThanOrEqual(premium);
          // Every covered minute is priced: more cover costs the tariff's price of the whole covered period.
          if (covered > previouslyCovered) expect(s.premiumYen).toBe(computePremium(request, tariff, new Date(start), s.coverEnd as Date, { omitSources: true }).premium);
          // Cover standing at the maximum while the booking runs: the partner has already been told.
          if (s.status === 'active' && covered === maximumMinutes) expect(told).toBe(true);
          premium = s.premiumYen;
          previouslyCovered = covered;
          sut.commit();
        }
      }),
      { numRuns: 300 },
    );
  });
});
