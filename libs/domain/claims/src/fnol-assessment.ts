/**
 * Which coverages of the plan respond to a cause, and the initial reserve from reference figures
 * (domain.md section 6). Vehicle damage responds only where the plan has it.
 */
export type Plan = 'liability' | 'standard' | 'full';
export type Cause = 'collision' | 'rollover' | 'theft' | 'vandalism';
export type Severity = 'major' | 'minor' | 'theft' | 'vandalism';

const PLAN_COVERAGES: Record<Plan, string[]> = {
  liability: ['bodily-injury-liability', 'property-damage-liability'],
  standard: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage'],
  full: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage', 'road-assistance'],
};

/** Third parties can be hurt only in a collision or rollover; theft and vandalism touch the car alone. */
const CAUSE_COVERAGES: Record<Cause, string[]> = {
  collision: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage', 'road-assistance'],
  rollover: ['bodily-injury-liability', 'property-damage-liability', 'personal-injury', 'vehicle-damage', 'road-assistance'],
  theft: ['vehicle-damage'],
  vandalism: ['vehicle-damage'],
};

/**
 * Initial reserves in yen per responding coverage and severity. Sources (domain.md section 6):
 * compulsory injury limit 1.2M per victim (third-party injury sits above it only in major crashes),
 * property damage of a typical collision, a 500,000 yen vehicle loss example less the deductible,
 * towing up to 150,000 plus alternative transport 50,000.
 */
const RESERVES: Record<string, Record<Severity, number>> = {
  'bodily-injury-liability': { major: 1_200_000, minor: 300_000, theft: 0, vandalism: 0 },
  'property-damage-liability': { major: 500_000, minor: 200_000, theft: 0, vandalism: 0 },
  'personal-injury': { major: 800_000, minor: 150_000, theft: 0, vandalism: 0 },
  'vehicle-damage': { major: 500_000, minor: 200_000, theft: 1_000_000, vandalism: 150_000 },
  'road-assistance': { major: 200_000, minor: 50_000, theft: 0, vandalism: 0 },
};

export function respondingCoverages(plan: Plan, cause: Cause): string[] {
  return PLAN_COVERAGES[plan].filter((c) => CAUSE_COVERAGES[cause].includes(c));
}

export function initialReserve(coverages: string[], severity: Severity): number {
  return coverages.reduce((sum, c) => sum + (RESERVES[c]?.[severity] ?? 0), 0);
}

/**
 * How a claim's incurred divides among its coverages: in proportion to each one's initial reserve
 * for the severity (the experience data set's split, docs/pricing-calibration.md). Coverages with
 * no reserve figure share equally when none of them has one.
 */
export function reserveShares(coverages: readonly string[], severity: string): Record<string, number> {
  const figures = coverages.map((c) => RESERVES[c]?.[severity as Severity] ?? 0);
  const total = figures.reduce((s, f) => s + f, 0);
  return Object.fromEntries(coverages.map((c, i) => [c, total > 0 ? (figures[i] as number) / total : 1 / coverages.length]));
}

/** Damage claims block new cover for the vehicle until closed (fraud guard). */
export function isDamageClaim(coverages: string[]): boolean {
  return coverages.includes('vehicle-damage') || coverages.includes('property-damage-liability');
}

/** One accident, one claim: same accident id, or the same vehicle within the window. */
export function joinsOpenClaim(
  open: { accidentId: string | null; lastSignalAt: Date },
  signal: { accidentId?: string; occurredAt: Date },
  windowMs: number,
): boolean {
  if (signal.accidentId && open.accidentId) return signal.accidentId === open.accidentId;
  return Math.abs(signal.occurredAt.getTime() - open.lastSignalAt.getTime()) <= windowMs;
}
