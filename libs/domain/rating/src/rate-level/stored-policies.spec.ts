import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import { priceQuote } from '../price-quote';
import { tariffs } from '../tariff-registry';
import { referenceBook } from './reference-book';
import { type StoredPolicyPremium, storedAgainstIndicated } from './stored-policies';

const indicated = tariffs.byVersion('kc-carshare-2026-12');
const NOW = new Date('2026-12-01T09:00:00+09:00');

/** A policy bound under the launch tariff, as the policy service stores it. */
function bound(request: QuoteRequestV1, refundYen = 0): StoredPolicyPremium {
  const quote = priceQuote(request, { now: NOW });
  if (quote.status !== 'quoted') throw new Error('expected a quote');
  return { plan: request.plan, premiumYen: quote.premium, refundYen, tariffVersion: quote.tariffVersion, request, coverStart: new Date(request.startsAt), coverEnd: new Date(request.endsAt) };
}

const launchRequests = referenceBook()
  .slice(0, 12)
  .map(({ request }) => ({ ...request, startsAt: '2026-12-02T10:00:00+09:00', endsAt: new Date(Date.parse('2026-12-02T10:00:00+09:00') + Date.parse(request.endsAt) - Date.parse(request.startsAt)).toISOString() }));

describe(storedAgainstIndicated.name, () => {
  it('sets each plan\'s stored premiums against what the indicated tariff charges for the same cover', () => {
    const policies = launchRequests.map((r) => bound(r));
    const { lines, skipped } = storedAgainstIndicated(policies, indicated);
    expect(skipped).toBe(0);
    expect(lines.reduce((s, l) => s + l.bookings, 0)).toBe(policies.length);
    for (const line of lines) {
      const [version, plan] = line.key.split(' ');
      expect(version).toBe('kc-carshare-2026-10');
      const mine = policies.filter((p) => p.plan === plan);
      expect(line.charged).toBe(mine.reduce((s, p) => s + p.premiumYen, 0));
      // The same requests quoted when kc-carshare-2026-12 is in force.
      const reQuoted = mine.map((p) => {
        const r = p.request as QuoteRequestV1;
        const shift = Date.parse('2026-12-10T10:00:00+09:00') - Date.parse(r.startsAt);
        const q = priceQuote({ ...r, startsAt: '2026-12-10T10:00:00+09:00', endsAt: new Date(Date.parse(r.endsAt) + shift).toISOString() }, { now: NOW });
        return q.status === 'quoted' ? q.premium : Number.NaN;
      });
      expect(line.indicated).toBe(reQuoted.reduce((s, p) => s + p, 0));
    }
  });

  it('counts what was refunded off the stored premium', () => {
    const policy = bound(launchRequests[0] as QuoteRequestV1, 100);
    expect(storedAgainstIndicated([policy], indicated).lines[0]?.charged).toBe(policy.premiumYen - 100);
  });

  it('skips and counts rows it cannot price instead of stopping: a broken request, a NUL byte, no covered minutes', () => {
    const good = bound(launchRequests[0] as QuoteRequestV1);
    const nul = { ...good, request: { ...(good.request as QuoteRequestV1), bookingId: 'b\u0000x' } };
    const broken = { ...good, request: { plan: 'full' } };
    const empty = { ...good, coverEnd: good.coverStart };
    const { lines, skipped } = storedAgainstIndicated([good, nul, broken, empty], indicated);
    expect(skipped).toBe(3);
    expect(lines.reduce((s, l) => s + l.bookings, 0)).toBe(1);
  });

  it('reports nothing for an empty database', () => {
    expect(storedAgainstIndicated([], indicated)).toEqual({ lines: [], skipped: 0 });
  });
});
