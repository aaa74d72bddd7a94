import { describe, expect, it } from 'vitest';
import { priceQuote } from '../price-quote';
import { referenceBook, REFERENCE_BOOK_MIX } from '../rate-level/reference-book';
import { applyDriverRecord, driverInputsOf, type DriverRecordTotals } from './driver-record';

const book = referenceBook({ ...REFERENCE_BOOK_MIX, size: 400 });
const [first, second] = book as [(typeof book)[number], (typeof book)[number]];
const ctx = (at: string) => ({ now: new Date(Date.parse(at) - 3_600_000) });
const noRecord: DriverRecordTotals = {
  trips: { trips: 0, distanceMetres: 0, drivenSeconds: 0, harshBraking: 0, harshAcceleration: 0, speedingSeconds: 0, nightMinutes: 0 },
  history: { coveredHours: 0, claimFreeHours: 0, claims: 0 },
};
const clean: DriverRecordTotals = { trips: { trips: 4, distanceMetres: 3_000_000, drivenSeconds: 180_000, harshBraking: 0, harshAcceleration: 0, speedingSeconds: 0, nightMinutes: 0 } };

describe(applyDriverRecord.name, () => {
  it('changes nothing for a driver the platform has no trips or covered hours of: every quote of the reference book keeps its id, price and breakdown', () => {
    for (const { request, platformClaims } of book) {
      const before = priceQuote(request, { ...ctx(request.startsAt), platformClaims });
      const sut = applyDriverRecord(request, noRecord);
      expect(sut.request).toBe(request);
      expect(JSON.stringify(priceQuote(sut.request, { ...ctx(request.startsAt), platformClaims, driverRecord: sut.record }))).toBe(JSON.stringify(before));
    }
  });

  it("replaces the partner's telematics with the platform's score only with the driver's consent, and names it in the breakdown", () => {
    const request = { ...first.request, driver: { ...first.request.driver, telematics: { score: 30, km: 6000 } } };
    expect(applyDriverRecord(request, clean).request).toBe(request);
    const consenting = { ...request, driver: { ...request.driver, drivingDataConsent: true } };
    const sut = applyDriverRecord(consenting, clean);
    expect(sut.request.driver.telematics).toEqual({ score: 100, km: 3000 });
    expect(driverInputsOf(sut.request, sut.record)).toEqual({ telematics: { score: 100, km: 3000 } });
    const quote = priceQuote(sut.request, { ...ctx(request.startsAt), driverRecord: sut.record });
    const step = quote.status === 'quoted' ? quote.breakdown.find((s) => s.code === 'telematics') : undefined;
    expect(step?.label).toBe('platform driving score 100 from 4 trips over 3000 km (credibility 1)');
    // The same figures supplied by a partner price the same, under another quote id (the label differs).
    const partnerSupplied = priceQuote(sut.request, ctx(request.startsAt));
    expect(quote.status === 'quoted' && partnerSupplied.status === 'quoted' && [quote.premium, quote.quoteId !== partnerSupplied.quoteId]).toEqual([partnerSupplied.status === 'quoted' ? partnerSupplied.premium : -1, true]);
  });

  it("replaces the partner's trust score with the driver's experience once the platform has covered them, consent or not", () => {
    const request = { ...second.request, driver: { ...second.request.driver, trustScore: 10 } };
    const sut = applyDriverRecord(request, { history: { coveredHours: 5000, claimFreeHours: 5000, claims: 0 } });
    expect(sut.request.driver.trustScore).toBe(100);
    const quote = priceQuote(sut.request, { ...ctx(request.startsAt), driverRecord: sut.record });
    const step = quote.status === 'quoted' ? quote.breakdown.find((s) => s.code === 'trust-score') : undefined;
    expect(step).toMatchObject({ factor: 0.9, label: 'platform experience: 5000 covered hours, 5000 of them claim-free, 0 claims (credibility 1, relativity 0): experience score 100' });
  });
});
