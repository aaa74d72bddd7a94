import type { QuoteRequestV1 } from '@kuruma/contracts';
import { computePremium } from './price-quote';
import type { Tariff } from './tariff-registry';

/** One figure that differs between two versions, at its JSON path (`licence.gold`). */
export interface TariffFigureDifference {
  path: string;
  /** JSON text of the figure in the first version, or null when absent there. */
  a: string | null;
  b: string | null;
}

/** One booking of the reference book, priced under each version. */
export interface ReferencePremium {
  booking: string;
  aYen: number;
  bYen: number;
}

export interface TariffComparison {
  a: string;
  b: string;
  figures: TariffFigureDifference[];
  premiums: ReferencePremium[];
}

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}.${i}`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  else out.set(path, JSON.stringify(value));
}

/**
 * A small reference book for comparing two versions side by side: the plans and the driver and
 * car profiles that move the price most. An assumption for review, not a rate-level basis: the
 * mix is illustrative (one booking per profile), so its total is not an average premium.
 */
const START = '2027-03-01T10:00:00+09:00';
function booking(name: string, minutes: number, over: { plan?: QuoteRequestV1['plan']; category?: string; modelRatingClass?: number; age?: number; licence?: 'gold' | 'blue' | 'green'; grade?: number; firstRegistration?: string }) {
  const end = new Date(Date.parse(START) + minutes * 60_000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
  const request = {
    bookingId: `ref-${name}`,
    partnerId: 'reference',
    startsAt: START,
    endsAt: end,
    plan: over.plan ?? 'standard',
    vehicle: {
      vehicleId: 'ref-car',
      category: over.category ?? 'ordinary',
      modelRatingClass: over.modelRatingClass ?? 9,
      firstRegistration: over.firstRegistration ?? '2020-04',
      eco: false,
      asv: false,
      plateClassification: '300',
      ownership: 'fleet',
      rental: false,
    },
    driver: { driverId: 'ref-driver', age: over.age ?? 35, licenceColour: over.licence ?? 'blue', ...(over.grade === undefined ? {} : { grade: over.grade }) },
  } as QuoteRequestV1;
  return { name, request, minutes };
}

export const TARIFF_REFERENCE_BOOK = [
  booking('liability 3 h, driver 35', 180, { plan: 'liability', grade: 10 }),
  booking('standard 6 h, driver 35', 360, { grade: 10 }),
  booking('standard 24 h, driver 35', 1440, { grade: 10 }),
  booking('full 48 h, driver 35', 2880, { plan: 'full', grade: 10 }),
  booking('standard 6 h, driver 19, no grade', 360, { age: 19 }),
  booking('standard 6 h, driver 72, gold', 360, { age: 72, licence: 'gold', grade: 20 }),
  booking('standard 6 h, kei class 4', 360, { category: 'kei', modelRatingClass: 4, grade: 10 }),
  booking('full 6 h, new car class 14', 360, { plan: 'full', modelRatingClass: 14, firstRegistration: '2026-12', grade: 10 }),
];

/** The figures that differ between two versions and the premium of each reference booking under each. */
export function compareTariffs(a: Tariff, b: Tariff): TariffComparison {
  const la = new Map<string, string>();
  const lb = new Map<string, string>();
  leaves(a.data, '', la);
  leaves(b.data, '', lb);
  const figures: TariffFigureDifference[] = [];
  for (const path of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
    if (path === 'effectiveFrom') continue;
    if (la.get(path) !== lb.get(path)) figures.push({ path, a: la.get(path) ?? null, b: lb.get(path) ?? null });
  }
  const premium = (t: Tariff, r: (typeof TARIFF_REFERENCE_BOOK)[number]) =>
    computePremium(r.request, t, new Date(r.request.startsAt), new Date(r.request.endsAt), { platformClaims: 0, omitSources: true }).premium;
  const premiums = TARIFF_REFERENCE_BOOK.map((r) => ({ booking: r.name, aYen: premium(a, r), bYen: premium(b, r) }));
  return { a: a.version, b: b.version, figures, premiums };
}
