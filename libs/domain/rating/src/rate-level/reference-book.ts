import type { QuoteRequestV1 } from '@kuruma/contracts';

/** One booking of the reference book: the quote request and the driver's claims on the platform. */
export interface ReferenceBooking {
  request: QuoteRequestV1;
  platformClaims: number;
}

type Weighted<T> = readonly (readonly [T, number])[];

/** What a book of bookings is drawn from: weights per option, shares per yes/no. */
export interface ReferenceBookMix {
  size: number;
  seed: number;
  startsAt: string;
  durationMinutes: Weighted<number>;
  category: Weighted<'ordinary' | 'small' | 'kei'>;
  plan: Weighted<'liability' | 'standard' | 'full'>;
  driverAge: readonly (readonly [number, number, number])[];
  noGradeShare: number;
  gradeWeights: readonly number[];
  accidentYearsShare: number;
  goldShare: number;
  ecoShare: number;
  asvShare: number;
  trustScoreShare: number;
  telematicsShare: number;
  maxVehicleAgeMonths: number;
  classSpread: number;
  platformClaims: Weighted<number>;
}

/**
 * The reference book's mix. Every weight is an assumption (no seed describes a carshare
 * platform's bookings): short urban trips dominate, as on the platforms domain.md section 5
 * describes; fleet cars are young; drivers are younger than the owner-car market.
 */
export const REFERENCE_BOOK_MIX: ReferenceBookMix = {
  size: 4000,
  /** The PRNG seed: the issue number, so the book is the same on every machine, forever. */
  seed: 17,
  /** Cover starts here (a date under kc-carshare-2026-12); vehicle ages count to it. */
  startsAt: '2026-12-10T10:00:00+09:00',
  durationMinutes: [
    [30, 10],
    [60, 20],
    [120, 20],
    [180, 15],
    [360, 12],
    [720, 8],
    [1440, 8],
    [2880, 4],
    [4320, 2],
    [10080, 1],
  ],
  category: [
    ['small', 50],
    ['kei', 30],
    ['ordinary', 20],
  ],
  plan: [
    ['liability', 25],
    ['standard', 45],
    ['full', 30],
  ],
  /** Driver age bands [from, to] with weights; the age is uniform within its band. */
  driverAge: [
    [18, 20, 4],
    [21, 23, 8],
    [24, 29, 20],
    [30, 39, 25],
    [40, 49, 20],
    [50, 59, 13],
    [60, 69, 7],
    [70, 79, 3],
  ],
  /** Share of drivers who give no grade (new contract 6(S)), and of those with accident years. */
  noGradeShare: 0.25,
  /** Weights of grades 1..20 among drivers who give one: few penalty grades, many long claim-free. */
  gradeWeights: [1, 1, 1, 2, 2, 8, 6, 6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 4, 4, 12],
  accidentYearsShare: 0.1,
  goldShare: 0.45,
  ecoShare: 0.4,
  asvShare: 0.6,
  trustScoreShare: 0.7,
  telematicsShare: 0.4,
  /** Vehicle age in months, uniform up to this (fleet cars are replaced young). */
  maxVehicleAgeMonths: 96,
  /** Model rating class: the category's neutral class plus or minus up to this many classes. */
  classSpread: 3,
  platformClaims: [
    [0, 95],
    [1, 4],
    [2, 1],
  ],
};

/** mulberry32: a small, well-known deterministic PRNG (same sequence on every platform). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function weighted<T>(random: () => number, options: Weighted<T>): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of options) {
    r -= weight;
    if (r < 0) return value;
  }
  return (options[options.length - 1] as readonly [T, number])[0];
}

const NEUTRAL_CLASS = { ordinary: 9, small: 9, kei: 4 } as const;
const CLASSES = { ordinary: 17, small: 17, kei: 7 } as const;

function registrationMonth(startsAt: string, monthsBefore: number): string {
  const year = Number(startsAt.slice(0, 4));
  const month = Number(startsAt.slice(5, 7));
  const index = year * 12 + (month - 1) - monthsBefore;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The reference book: the same bookings for the same mix, on every machine. */
export function referenceBook(mix: ReferenceBookMix = REFERENCE_BOOK_MIX): ReferenceBooking[] {
  const random = mulberry32(mix.seed);
  const int = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  const start = Date.parse(mix.startsAt);
  const book: ReferenceBooking[] = [];
  for (let i = 0; i < mix.size; i++) {
    const minutes = weighted(random, mix.durationMinutes);
    const category = weighted(random, mix.category);
    const plan = weighted(random, mix.plan);
    const [from, to] = weighted(
      random,
      mix.driverAge.map(([a, b, w]) => [[a, b], w] as const),
    );
    const age = int(from, to);
    const graded = random() >= mix.noGradeShare;
    const grade = graded ? weighted(random, mix.gradeWeights.map((w, g) => [g + 1, w] as const)) : undefined;
    const accidentYears = graded && random() < mix.accidentYearsShare ? int(1, 3) : 0;
    const licenceColour = age <= 20 ? 'green' : random() < mix.goldShare ? 'gold' : 'blue';
    const neutral = NEUTRAL_CLASS[category];
    const modelRatingClass = Math.min(CLASSES[category], Math.max(1, neutral + int(-mix.classSpread, mix.classSpread)));
    const request: QuoteRequestV1 = {
      bookingId: `ref-${i}`,
      partnerId: 'reference-book',
      startsAt: mix.startsAt,
      endsAt: new Date(start + minutes * 60_000).toISOString(),
      plan,
      vehicle: {
        vehicleId: `ref-v-${i}`,
        category,
        modelRatingClass,
        firstRegistration: registrationMonth(mix.startsAt, int(0, mix.maxVehicleAgeMonths)),
        eco: random() < mix.ecoShare,
        asv: random() < mix.asvShare,
        plateClassification: '500',
        ownership: 'fleet',
        rental: false,
      },
      driver: {
        driverId: `ref-d-${i}`,
        age,
        licenceColour,
        ...(grade === undefined ? {} : { grade, accidentCoefficientYears: accidentYears }),
        ...(random() < mix.trustScoreShare ? { trustScore: int(30, 100) } : {}),
        ...(random() < mix.telematicsShare ? { telematics: { score: int(30, 100), km: int(0, 6000) } } : {}),
      },
    };
    book.push({ request, platformClaims: weighted(random, mix.platformClaims) });
  }
  return book;
}
